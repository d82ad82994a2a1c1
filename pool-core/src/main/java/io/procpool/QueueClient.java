package io.procpool;

import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Producing;
import io.procpool.internal.queue.Bodies;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes messages into a running pool's built-in queue from any Java program, over the pool's
 * {@code queue.sock}. A batch is confirmed only after the manager has committed it (with the
 * pool's durability), so a returned id is a message that will be delivered at least once.
 *
 * <pre>{@code
 * try (QueueClient client = QueueClient.connect(Path.of("run"))) {
 *     List<String> ids = client.push("default", List.of("a".getBytes(), "b".getBytes()));
 * }
 * }</pre>
 *
 * <p>{@link #pushAsync} pipelines: many batches can be in flight on one connection, and the
 * manager commits them together. Batches of one connection may be committed in any order.
 * Thread-safe.
 */
public final class QueueClient implements AutoCloseable {

    /** The pool refused a batch (full queue, message too large, unknown queue); none of it was added. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final IpcConnection connection;
    private final Map<Long, CompletableFuture<List<String>>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextRequest = new AtomicLong(1);
    private volatile IOException broken;

    private QueueClient(IpcConnection connection) {
        this.connection = connection;
        Thread.ofPlatform().name("queue-client-reader").daemon().start(this::readLoop);
    }

    /** Connects to the pool whose run directory is {@code runDir}. */
    public static QueueClient connect(Path runDir) throws IOException {
        Path socket = runDir.resolve("queue.sock");
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("no pool answers on " + socket + " (" + e.getMessage() + "); is it running?", e);
        }
        return new QueueClient(new IpcConnection(ch));
    }

    /** Pushes a batch and waits for its commit; returns the messages' ids. */
    public List<String> push(String queue, List<byte[]> bodies) throws IOException {
        try {
            return pushAsync(queue, bodies, Duration.ZERO).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Pushes one batch without waiting; the future completes with the ids once it is committed. */
    public CompletableFuture<List<String>> pushAsync(String queue, List<byte[]> bodies, Duration delay) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        if (broken != null) {
            done.completeExceptionally(broken);
            return done;
        }
        long id = nextRequest.getAndIncrement();
        pending.put(id, done);
        try {
            connection.send(
                    FrameType.PUSH_BATCH,
                    new Producing.PushBatch(id, queue, delay.toMillis(), Bodies.of(bodies)).encode());
        } catch (IOException e) {
            pending.remove(id);
            done.completeExceptionally(e);
        }
        return done;
    }

    private void readLoop() {
        try {
            while (true) {
                Frame f = connection.readFrame();
                Producing.PushAnswer answer = Producing.PushAnswer.decode(f.payload());
                CompletableFuture<List<String>> done = pending.remove(answer.requestId());
                if (done == null) {
                    continue;
                }
                if (f.type() == FrameType.PUSHED) {
                    done.complete(ids(answer.firstId(), answer.count()));
                } else {
                    done.completeExceptionally(new RefusedException(answer.error()));
                }
            }
        } catch (IOException | RuntimeException e) {
            broken = new IOException(
                    "the connection to the pool ended: " + e.getMessage()
                            + "; batches not yet confirmed may or may not have been committed",
                    e);
            pending.values().forEach(f -> f.completeExceptionally(broken));
            pending.clear();
        }
    }

    /** The batch's ids, made into text only when read. */
    private static List<String> ids(long first, int count) {
        return new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                java.util.Objects.checkIndex(i, count);
                return Long.toString(first + i);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    @Override
    public void close() {
        connection.close();
    }
}
