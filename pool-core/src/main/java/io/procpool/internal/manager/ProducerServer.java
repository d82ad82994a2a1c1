package io.procpool.internal.manager;

import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Producing;
import io.procpool.internal.queue.BuiltInQueue;
import io.procpool.internal.queue.PushRefusedException;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves producers on {@code queue.sock} ({@code QueueClient}): PUSH_BATCH frames in, one
 * PUSHED or PUSH_REFUSED answer per batch once it is committed (or refused). Each batch is
 * handled on its own virtual thread, so a client that pipelines many batches gets them
 * committed together by the store's group commit, and a full queue holds back only that batch.
 *
 * <p>Threads: one "producer-accept" thread, a reader thread per connection, a virtual thread per batch.
 */
final class ProducerServer {

    private static final Logger log = LoggerFactory.getLogger(ProducerServer.class);

    private final ServerSocketChannel server;
    private final BuiltInQueue queue;

    ProducerServer(ServerSocketChannel server, BuiltInQueue queue) {
        this.server = server;
        this.queue = queue;
    }

    void start() {
        SocketAcceptor.start(server, "producer-reader", false, ch -> serve(new IpcConnection(ch)));
    }

    private void serve(IpcConnection connection) {
        try (connection) {
            while (true) {
                Frame f = connection.readFrame();
                if (f.type() != FrameType.PUSH_BATCH) {
                    log.warn("closing a producer connection that sent {}", f.type());
                    return;
                }
                Producing.PushBatch batch = Producing.PushBatch.decode(f.payload());
                Thread.ofVirtual().name("push-" + batch.requestId()).start(() -> answer(connection, batch));
            }
        } catch (IOException | RuntimeException e) {
            // the producer went away, or sent garbage: only its connection ends
        }
    }

    private void answer(IpcConnection connection, Producing.PushBatch batch) {
        Producing.PushAnswer answer;
        try {
            long first = queue.push(batch.queue(), batch.bodies(), batch.delayMs());
            answer = new Producing.PushAnswer(
                    batch.requestId(), first, batch.bodies().size(), null);
        } catch (PushRefusedException e) {
            answer = new Producing.PushAnswer(batch.requestId(), 0, 0, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            answer = new Producing.PushAnswer(batch.requestId(), 0, 0, "the queue could not store the batch: " + e);
        }
        try {
            connection.send(answer.error() == null ? FrameType.PUSHED : FrameType.PUSH_REFUSED, answer.encode());
        } catch (IOException e) {
            // the producer is gone; what was committed stays committed
        }
    }
}
