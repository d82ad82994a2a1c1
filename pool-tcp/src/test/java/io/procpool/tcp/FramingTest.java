package io.procpool.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.procpool.spi.SourceSettings;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests decode and replies encode in every framing the settings offer, and an oversized frame fails at once. */
class FramingTest {

    private static Framing framing(String... keyValues) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("type", "tcp"));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return new Framing(TcpSettings.from(SourceSettings.of(values)));
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Feeds {@code wire} one byte at a time, as a slow client would, and returns the decoded body. */
    private static String decodeByteByByte(Framing f, byte[] wire) {
        EmbeddedChannel ch = new EmbeddedChannel(f.newDecoder());
        for (byte b : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ByteBuf frame = ch.readInbound();
        assertThat(frame).as("one frame decoded").isNotNull();
        Object next = ch.readInbound();
        assertThat(next).as("and no more").isNull();
        ch.finishAndReleaseAll();
        return new String(bytes(frame), StandardCharsets.UTF_8);
    }

    @Test
    void aReplyDecodesAsARequestInEachLengthType() throws Exception {
        for (String type : new String[] {"N", "n", "V", "v", "C"}) {
            Framing f = framing("length_type", type);
            byte[] wire = bytes(f.encode(ByteBufAllocator.DEFAULT, "hello".getBytes(StandardCharsets.UTF_8)));
            assertThat(wire.length).as(type).isEqualTo(TcpSettings.lengthBytes(type) + 5);
            assertThat(decodeByteByByte(f, wire)).as(type).isEqualTo("hello");
        }
    }

    @Test
    void theLengthIsBigOrLittleEndianAsItsTypeSays() throws Exception {
        byte[] big = bytes(framing("length_type", "N").encode(ByteBufAllocator.DEFAULT, new byte[3]));
        byte[] little = bytes(framing("length_type", "V").encode(ByteBufAllocator.DEFAULT, new byte[3]));
        assertThat(big).startsWith(0, 0, 0, 3);
        assertThat(little).startsWith(3, 0, 0, 0);
    }

    @Test
    void aHeaderBeforeTheLengthAndBetweenLengthAndBodyIsSkipped() throws Exception {
        Framing f = framing("length_offset", "2", "body_offset", "8");
        byte[] wire = {'a', 'b', 0, 0, 0, 2, 'x', 'y', 'o', 'k'};
        assertThat(decodeByteByByte(f, wire)).isEqualTo("ok");
        assertThat(bytes(f.encode(ByteBufAllocator.DEFAULT, "ok".getBytes(StandardCharsets.UTF_8))))
                .containsExactly(0, 0, 0, 0, 0, 2, 0, 0, 'o', 'k');
    }

    @Test
    void aDelimitedFrameEndsAtItsDelimiterWhichIsStripped() throws Exception {
        Framing f = framing("framing", "delimiter", "delimiter", "\\r\\n");
        assertThat(decodeByteByByte(f, "ping\r\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ping");
        assertThat(new String(
                        bytes(f.encode(ByteBufAllocator.DEFAULT, "pong".getBytes(StandardCharsets.UTF_8))),
                        StandardCharsets.UTF_8))
                .isEqualTo("pong\r\n");
    }

    @Test
    void aFrameOverMaxFrameBytesFailsAsSoonAsItsLengthIsRead() throws Exception {
        EmbeddedChannel ch =
                new EmbeddedChannel(framing("max_frame_bytes", "16").newDecoder());
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 17})))
                .isInstanceOf(TooLongFrameException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void theLargestReplyIsWhatTheLengthFieldCanSay() throws Exception {
        assertThat(framing("length_type", "C").maxReplyBytes()).isEqualTo(255);
        assertThat(framing("length_type", "n").maxReplyBytes()).isEqualTo(65_535);
        assertThat(framing("framing", "delimiter").maxReplyBytes()).isEqualTo(Integer.MAX_VALUE);
    }
}
