package io.procpool.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;

/**
 * How frames look on the wire, both ways: a decoder for requests (Netty's length-field or
 * delimiter decoder, failing fast on an oversized frame) and the encoding of replies in the same
 * framing. Immutable; decoders are made per connection.
 */
final class Framing {

    /** A decoder that can tell how many bytes of an unfinished frame it holds. */
    interface PartialFrame {
        int buffered();
    }

    private final TcpSettings s;

    Framing(TcpSettings s) {
        this.s = s;
    }

    ChannelHandler newDecoder() {
        if (s.delimited()) {
            return new Delimited(s.maxFrameBytes(), Unpooled.wrappedBuffer(s.delimiter()));
        }
        int lengthBytes = TcpSettings.lengthBytes(s.lengthType());
        int lengthEnd = s.lengthOffset() + lengthBytes;
        // Netty's frame length is the whole frame; ours counts the body (Swoole) or everything.
        int adjustment = s.lengthIncludesHeader() ? -lengthEnd : s.bodyOffset() - lengthEnd;
        return new LengthPrefixed(
                order(), s.bodyOffset() + s.maxFrameBytes(), s.lengthOffset(), lengthBytes, adjustment, s.bodyOffset());
    }

    /** A reply in the connection's framing. */
    ByteBuf encode(ByteBufAllocator alloc, byte[] body) {
        if (s.delimited()) {
            return alloc.buffer(body.length + s.delimiter().length)
                    .writeBytes(body)
                    .writeBytes(s.delimiter());
        }
        ByteBuf out = alloc.buffer(s.bodyOffset() + body.length);
        out.writeZero(s.lengthOffset());
        long length = s.lengthIncludesHeader() ? (long) s.bodyOffset() + body.length : body.length;
        switch (s.lengthType()) {
            case "N" -> out.writeInt((int) length);
            case "V" -> out.writeIntLE((int) length);
            case "n" -> out.writeShort((int) length);
            case "v" -> out.writeShortLE((int) length);
            default -> out.writeByte((int) length);
        }
        out.writeZero(s.bodyOffset() - s.lengthOffset() - TcpSettings.lengthBytes(s.lengthType()));
        return out.writeBytes(body);
    }

    /** The largest reply body the framing can carry. */
    long maxReplyBytes() {
        if (s.delimited()) {
            return Integer.MAX_VALUE;
        }
        long max = switch (TcpSettings.lengthBytes(s.lengthType())) {
            case 1 -> 0xFFL;
            case 2 -> 0xFFFFL;
            default -> Integer.MAX_VALUE;
        };
        return s.lengthIncludesHeader() ? max - s.bodyOffset() : max;
    }

    private ByteOrder order() {
        return s.lengthType().equals("V") || s.lengthType().equals("v")
                ? ByteOrder.LITTLE_ENDIAN
                : ByteOrder.BIG_ENDIAN;
    }

    private static final class LengthPrefixed extends LengthFieldBasedFrameDecoder implements PartialFrame {
        LengthPrefixed(ByteOrder order, int maxFrame, int offset, int lengthBytes, int adjustment, int strip) {
            super(order, maxFrame, offset, lengthBytes, adjustment, strip, true);
        }

        @Override
        public int buffered() {
            return actualReadableBytes();
        }
    }

    private static final class Delimited extends DelimiterBasedFrameDecoder implements PartialFrame {
        Delimited(int maxFrame, ByteBuf delimiter) {
            super(maxFrame, true, true, delimiter);
        }

        @Override
        public int buffered() {
            return actualReadableBytes();
        }
    }
}
