package io.procpool.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.procpool.spi.RequestSink;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty listener for one TCP source: accepts, frames and hands requests to a sink. The
 * manager runs one in process mode; every worker runs one in base mode, all bound to the same
 * port with SO_REUSEPORT so the kernel spreads connections over them.
 *
 * <p>Threads: {@link #start}, {@link #stopAccepting} and {@link #close} from the owner's thread;
 * Netty's event loops run the connections.
 */
final class TcpServer {

    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);

    private final TcpSettings settings;
    private final int ioThreads;
    private final TcpStats stats = new TcpStats();
    private final Framing framing;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private Channel listener;

    TcpServer(TcpSettings settings, int ioThreads) {
        this.settings = settings;
        this.ioThreads = ioThreads;
        this.framing = new Framing(settings);
    }

    void start(RequestSink sink) throws Exception {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        String source = "tcp:" + settings.address();
        SslContext tls = settings.tlsCert() == null
                ? null
                : SslContextBuilder.forServer(new File(settings.tlsCert()), new File(settings.tlsKey()))
                        .build();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, io)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        Connection conn = new Connection(settings, framing, stats, sink, source);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        // replies finish on pool threads one by one: one flush per loop turn, not per reply
                        ch.pipeline().addLast("flushes", new FlushConsolidationHandler(256, true));
                        if (!settings.idleTimeout().isZero()) {
                            ch.pipeline()
                                    .addLast(
                                            "idle",
                                            new IdleStateHandler(
                                                    0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast("clock", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                conn.bytesRead();
                                ctx.fireChannelRead(msg);
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                // before the decoder sees it and drops its half-read frame
                                if (!(evt instanceof ChannelInputShutdownEvent && conn.halfClosedMidFrame())) {
                                    ctx.fireUserEventTriggered(evt);
                                }
                            }
                        });
                        ch.pipeline().addLast("decoder", framing.newDecoder());
                        ch.pipeline().addLast("connection", conn);
                    }
                });
        SocketAddress address;
        if (settings.unixPath() != null) {
            Path path = Path.of(settings.unixPath());
            Files.deleteIfExists(path); // a socket file left by a pool that died; the run directory lock says none runs
            b.channel(NioServerDomainSocketChannel.class);
            address = UnixDomainSocketAddress.of(path);
        } else {
            b.channel(NioServerSocketChannel.class).childOption(ChannelOption.TCP_NODELAY, true);
            if (settings.base()) {
                b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            }
            address = new InetSocketAddress(settings.host(), settings.port());
        }
        try {
            listener = b.bind(address).sync().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot listen on " + settings.address() + ": " + e.getMessage(), e);
        }
        log.info(
                "listening on {} ({} mode, {} framing{})",
                settings.address(),
                settings.base() ? "base" : "process",
                settings.delimited() ? "delimiter" : "length " + settings.lengthType(),
                tls != null ? ", TLS" : "");
    }

    /** No new connections; the open ones keep being served until {@link #close}. */
    void stopAccepting() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    void close() {
        stopAccepting();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (io != null) {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    Map<String, Object> stats() {
        return stats.snapshot();
    }
}
