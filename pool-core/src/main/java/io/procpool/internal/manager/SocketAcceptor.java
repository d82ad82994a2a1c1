package io.procpool.internal.manager;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The accept loop the manager's three sockets share: one daemon thread accepts, and each
 * connection is served on a thread of its own until the server socket is closed at shutdown.
 */
final class SocketAcceptor {

    private SocketAcceptor() {}

    /**
     * @param virtualPerConnection serve connections on virtual threads (short control requests)
     *     rather than platform threads (long-lived, busy IPC connections)
     */
    static void start(
            ServerSocketChannel server, String name, boolean virtualPerConnection, Consumer<SocketChannel> serve) {
        Thread.ofPlatform().name(name + "-accept").daemon().start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread.Builder builder = virtualPerConnection
                            ? Thread.ofVirtual()
                            : Thread.ofPlatform().daemon();
                    builder.name(name).start(() -> serve.accept(ch));
                } catch (IOException e) {
                    return; // closed at shutdown
                }
            }
        });
    }
}
