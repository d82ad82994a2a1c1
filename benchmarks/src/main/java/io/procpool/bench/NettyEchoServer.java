package io.procpool.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * The TCP benchmark's baseline: a plain Netty echo server with the same framing (4-byte
 * big-endian length) that flushes once per read like Netty's own echo example, in its own JVM
 * like a pool, so the rows compare like with like.
 * Run: {@code java ... NettyEchoServer PORT}; it serves until killed.
 */
public final class NettyEchoServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup io =
                new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        Channel ch = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline()
                                .addLast(
                                        new LengthFieldBasedFrameDecoder(2 << 20, 0, 4, 0, 4),
                                        new LengthFieldPrepender(4),
                                        new SimpleChannelInboundHandler<ByteBuf>() {
                                            @Override
                                            @SuppressWarnings(
                                                    "FutureReturnValueIgnored") // load generation: a write that fails
                                            // shows up as a missing reply or record
                                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                                ctx.write(msg.retain());
                                            }

                                            @Override
                                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                                ctx.flush(); // Netty's echo example: one flush per read, not per frame
                                            }
                                        });
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        System.out.println("ready");
        ch.closeFuture().sync();
    }
}
