package io.procpool.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The TCP benchmark's load generator: one Netty event-loop thread drives every connection, so
 * the client takes as little of the two CPUs as it can. Pipelined: each connection keeps
 * {@code window} requests in flight, sending the next one as each reply arrives (flushed once per
 * read). One-shot: {@code connections} slots each connect, send one request, read the reply and
 * close (with RST, so ports do not pile up in TIME_WAIT), over and over. Latency is per request,
 * from its send (or its connect) to its reply. Used from the benchmark's main thread; its state
 * lives on the event loop.
 */
final class LoadClient {

    private static final int BODY = 64;

    private final int port;
    private long countFrom;
    private long end;
    private long requests;
    private long[] latencies = new long[1 << 16];
    private int n;
    private CountDownLatch finished;

    LoadClient(int port) {
        this.port = port;
    }

    /** Returns requests/s, p50 and p99 latency in nanos, counting {@code seconds} after a second of warm-up. */
    double[] run(int connections, int window, boolean pipelined, int seconds) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            requests = 0;
            n = 0;
            countFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            end = countFrom + TimeUnit.SECONDS.toNanos(seconds);
            finished = new CountDownLatch(connections);
            for (int c = 0; c < connections; c++) {
                connect(group, pipelined, window);
            }
            if (!finished.await(seconds + 60L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the load did not finish: a connection hangs");
            }
            long[] lat = Arrays.copyOf(latencies, n);
            Arrays.sort(lat);
            return new double[] {requests / (double) seconds, lat[lat.length / 2], lat[(int) (lat.length * 0.99)]};
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private void connect(EventLoopGroup group, boolean pipelined, int window) {
        long connectAt = System.nanoTime();
        new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, pipelined ? -1 : 0)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                                        pipelined ? new Pipelined(window) : new OneShot(group, connectAt));
                    }
                })
                .connect("127.0.0.1", port)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        System.err.println("connect failed: " + f.cause());
                        finished.countDown();
                    }
                });
    }

    private void record(long sentAt, long now) {
        if (sentAt >= countFrom && now <= end) {
            requests++;
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = now - sentAt;
        }
    }

    private static ByteBuf frame(ChannelHandlerContext ctx) {
        return ctx.alloc().buffer(4 + BODY).writeInt(BODY).writeZero(BODY);
    }

    /** A persistent connection with {@code window} requests in flight. */
    private final class Pipelined extends ChannelInboundHandlerAdapter {
        private final int window;
        private final ArrayDeque<Long> sent = new ArrayDeque<>();
        private boolean done;

        Pipelined(int window) {
            this.window = window;
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void channelActive(ChannelHandlerContext ctx) {
            for (int i = 0; i < window; i++) {
                sent.addLast(System.nanoTime());
                ctx.write(frame(ctx), ctx.voidPromise());
            }
            ctx.flush();
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            long now = System.nanoTime();
            record(sent.pollFirst(), now);
            if (now < end) {
                sent.addLast(now);
                ctx.write(frame(ctx), ctx.voidPromise());
            } else if (sent.isEmpty() && !done) {
                done = true;
                ctx.close();
                finished.countDown();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("load connection failed: " + cause);
            ctx.close();
            if (!done) {
                done = true;
                finished.countDown();
            }
        }
    }

    /** One request per connection, then the next connection. */
    private final class OneShot extends ChannelInboundHandlerAdapter {
        private final EventLoopGroup group;
        private final long connectAt;

        OneShot(EventLoopGroup group, long connectAt) {
            this.group = group;
            this.connectAt = connectAt;
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(frame(ctx), ctx.voidPromise());
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            long now = System.nanoTime();
            record(connectAt, now);
            ctx.close();
            if (now < end) {
                connect(group, false, 1);
            } else {
                finished.countDown();
            }
        }

        @Override
        @SuppressWarnings(
                "FutureReturnValueIgnored") // load generation: a write that fails shows up as a missing reply or record
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("one-shot connection failed: " + cause);
            ctx.close();
            finished.countDown();
        }
    }
}
