package io.procpool.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, after its frame decoder: turns each frame into a {@link Request},
 * and writes replies back in request order, also when requests finish out of order
 * ({@code concurrency} &gt; 1, several workers): a request's replies wait until every earlier
 * request of the connection has finished. Closes only itself on bad input (an oversized or
 * garbage length, a zero length, a stall or a half-close in the middle of a frame); the bytes of
 * a half-read frame are dropped with the connection, never handed to a consumer.
 *
 * <p>Threads: everything runs on the connection's event loop; requests are finished from pool
 * threads, which hand their calls to that loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final TcpSettings settings;
    private final Framing framing;
    private final TcpStats stats;
    private final RequestSink sink;
    private final String source;
    /** Requests read and not finished, in order: their replies leave in this order. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /**
     * Requests read but not yet handed to the pool, because {@code max_pending_per_connection} are
     * already there: one read can hold many small frames, all decoded at once, and turning off
     * auto-read only stops the next read.
     */
    private final ArrayDeque<Pending> deferred = new ArrayDeque<>();
    /** Requests handed to the pool and not finished. */
    private int submitted;

    private Channel channel;
    private Framing.PartialFrame decoder;
    private long requests;
    private boolean inputShut;
    private boolean closing;
    /** Nanos of the last bytes read, for {@code read_timeout} in the middle of a frame. */
    private long lastReadNanos;

    private ScheduledFuture<?> stallCheck;

    Connection(TcpSettings settings, Framing framing, TcpStats stats, RequestSink sink, String source) {
        this.settings = settings;
        this.framing = framing;
        this.stats = stats;
        this.sink = sink;
        this.source = source;
    }

    /** A request of this connection; the pool calls it from its threads. */
    private final class Pending implements Request {
        final byte[] body;
        List<byte[]> held;
        int replies;
        boolean finished;

        Pending(byte[] body) {
            this.body = body;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public String source() {
            return source;
        }

        @Override
        public void reply(byte[] reply) {
            onLoop(() -> replied(this, reply));
        }

        @Override
        public void done() {
            onLoop(() -> finished(this, null));
        }

        @Override
        public void failed(String error) {
            onLoop(() -> finished(this, error));
        }
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    /** Called by the handler before the decoder: bytes arrived. */
    void bytesRead() {
        lastReadNanos = System.nanoTime();
    }

    /**
     * Called by the handler before the decoder when the client shut its output down, while the
     * decoder still holds what it read: true when that is half a frame, and the connection is closed.
     */
    boolean halfClosedMidFrame() {
        if (decoder.buffered() == 0) {
            return false;
        }
        stats.closed(TcpStats.Closed.HALF_CLOSED_MID_FRAME);
        log.warn(
                "closing {}: it half-closed in the middle of a frame ({} bytes of it read)",
                channel.remoteAddress(),
                decoder.buffered());
        closeNow();
        return true;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        decoder = (Framing.PartialFrame) ctx.pipeline().get("decoder");
        lastReadNanos = System.nanoTime();
        stats.accepted.increment();
        if (stats.open.incrementAndGet() > settings.maxConnections()) {
            stats.closed(TcpStats.Closed.OVER_MAX_CONNECTIONS);
            log.warn("closing {}: over max_connections ({})", channel.remoteAddress(), settings.maxConnections());
            closeNow();
            return;
        }
        long every = Math.max(10, settings.readTimeout().toMillis() / 4);
        if (!settings.readTimeout().isZero()) {
            stallCheck = channel.eventLoop().scheduleAtFixedRate(this::checkStall, every, every, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stats.open.decrementAndGet();
        if (stallCheck != null) {
            stallCheck.cancel(false);
        }
        closing = true;
        ctx.fireChannelInactive();
    }

    private void checkStall() {
        if (!closing
                && decoder.buffered() > 0
                && System.nanoTime() - lastReadNanos > settings.readTimeout().toNanos()) {
            stats.closed(TcpStats.Closed.STALLED_MID_FRAME);
            log.warn(
                    "closing {}: stalled for {} ms in the middle of a frame ({} bytes of it read)",
                    channel.remoteAddress(),
                    settings.readTimeout().toMillis(),
                    decoder.buffered());
            closeNow();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (closing || (settings.closeAfterReply() && requests > 0)) {
                return; // one request per connection in close_after_reply mode; the rest is ignored
            }
            if (!frame.isReadable()) {
                stats.closed(TcpStats.Closed.ZERO_LENGTH);
                log.warn("closing {}: a frame of length 0", channel.remoteAddress());
                closeNow();
                return;
            }
            byte[] body = new byte[frame.readableBytes()];
            frame.readBytes(body);
            stats.framesIn.increment();
            requests++;
            Pending p = new Pending(body);
            pending.addLast(p);
            if (pending.size() >= settings.maxPendingPerConnection()) {
                channel.config().setAutoRead(false); // resumes when replies catch up
            }
            if (submitted < settings.maxPendingPerConnection()) {
                submitted++;
                sink.submit(p);
            } else {
                deferred.addLast(p);
            }
        } finally {
            frame.release();
        }
    }

    private void replied(Pending p, byte[] reply) {
        if (closing || p.finished) {
            return;
        }
        if (reply.length > framing.maxReplyBytes()) {
            log.warn(
                    "dropping a reply of {} bytes to {}: more than its framing's length field holds",
                    reply.length,
                    channel.remoteAddress());
            return;
        }
        p.replies++;
        if (pending.peekFirst() == p) {
            write(reply); // flushed when the request finishes, or by the next flush on this loop
        } else {
            if (p.held == null) {
                p.held = new ArrayList<>(1);
            }
            p.held.add(reply);
        }
    }

    private void finished(Pending p, String error) {
        if (closing || p.finished) {
            return;
        }
        // An error frame only for a request that has not replied: one that did was answered, and
        // a client reading one reply per request must not get two.
        if (error != null && p.replies == 0) {
            stats.errorReplies.increment();
            replied(p, (settings.errorPrefix() + error).getBytes(StandardCharsets.UTF_8));
        }
        p.finished = true;
        submitted--;
        while (!deferred.isEmpty() && submitted < settings.maxPendingPerConnection()) {
            submitted++;
            sink.submit(deferred.pollFirst());
        }
        // Earlier requests' replies first: release every finished request at the head, and
        // what the next one already said.
        while (!pending.isEmpty() && pending.peekFirst().finished) {
            pending.pollFirst();
            Pending next = pending.peekFirst();
            if (next != null && next.held != null) {
                next.held.forEach(this::write);
                next.held = null;
            }
        }
        channel.flush();
        if (!channel.config().isAutoRead() && pending.size() < settings.maxPendingPerConnection() / 2 + 1) {
            channel.config().setAutoRead(true);
        }
        if (pending.isEmpty() && (inputShut || settings.closeAfterReply())) {
            closing = true;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @SuppressWarnings(
            "FutureReturnValueIgnored") // Netty: a failed write or close closes the channel, which the connection
    // handles
    private void write(byte[] reply) {
        channel.write(framing.encode(channel.alloc(), reply), channel.voidPromise());
        stats.framesOut.increment();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShut = true; // answer what was asked, then close
            if (pending.isEmpty() && !closing) {
                closing = true;
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        } else if (evt instanceof IdleStateEvent && pending.isEmpty()) {
            stats.closed(TcpStats.Closed.IDLE);
            closeNow();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof TooLongFrameException) {
            stats.closed(TcpStats.Closed.FRAME_TOO_LARGE);
            log.warn(
                    "closing {}: a frame over max_frame_bytes ({}): {}",
                    channel.remoteAddress(),
                    settings.maxFrameBytes(),
                    c.getMessage());
        } else if (c instanceof CorruptedFrameException) {
            stats.closed(TcpStats.Closed.BAD_LENGTH);
            log.warn("closing {}: a garbage frame length: {}", channel.remoteAddress(), c.getMessage());
        } else if (!(c instanceof IOException)) {
            log.warn("closing {}: {}", channel.remoteAddress(), c.toString());
        }
        closeNow();
    }

    @SuppressWarnings(
            "FutureReturnValueIgnored") // Netty: a failed write or close closes the channel, which the connection
    // handles
    private void closeNow() {
        closing = true;
        channel.close();
    }
}
