package io.procpool.internal.queue;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.ipc.WorkerFeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Feeds READY workers from the {@link QueueEngine}: one "queue-feed" thread waits for what the engine
 * can deal and sends it as DELIVER_RUNS frames, encoded into the thread's one direct buffer so that a
 * frame costs one copy of its bodies and no allocation. Socket writes happen outside the engine's lock,
 * so acks keep settling meanwhile. The rest of {@link WorkerFeed} goes to the engine.
 *
 * <p>Threads: the feed thread sends; the supervisor attaches, pauses and detaches; IPC readers settle.
 */
public final class QueueFeed implements WorkerFeed {

    private final QueueEngine engine;
    private Thread thread;
    private ByteBuffer buffer;

    public QueueFeed(QueueEngine engine) {
        this.engine = engine;
    }

    public void start() {
        thread = Thread.ofPlatform().name("queue-feed").daemon().start(this::feedLoop);
    }

    private void feedLoop() {
        String source = "queue:" + engine.settings().queue();
        try {
            List<QueueEngine.Dealt> dealt;
            while ((dealt = engine.awaitDeal(1_000)) != null) {
                for (QueueEngine.Dealt d : dealt) {
                    try {
                        d.connection().send(FrameType.DELIVER_RUNS, encode(source, d.runs()));
                    } catch (IOException e) {
                        // The worker is dying; its exit detaches it and redelivers these messages.
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Encodes a DELIVER_RUNS payload into the feed thread's direct buffer, grown when a frame needs more. */
    private ByteBuffer encode(String source, List<Deliveries.Run> runs) {
        int size = Deliveries.DeliverRuns.encodedSize(source, runs);
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocateDirect(Math.max(size, 256 << 10));
        }
        buffer.clear();
        Deliveries.DeliverRuns.encodeTo(buffer, source, runs);
        return buffer.flip();
    }

    @Override
    public void attach(long workerId, int slot, IpcConnection connection) {
        engine.attach(workerId, slot, connection);
    }

    @Override
    public void pause(long workerId) {
        engine.pause(workerId);
    }

    @Override
    public void detach(long workerId, String why, boolean messageFault) {
        engine.detach(workerId, why, messageFault);
    }

    @Override
    public long settle(long workerId, List<Outcome> outcomes) {
        return engine.settle(workerId, outcomes);
    }

    @Override
    public void stopIntake() {
        engine.stopIntake();
    }

    /** A reload's new queue settings, max_deliveries and concurrency (the name and durability stay). */
    @Override
    public void reconfigure(PoolConfig next) {
        engine.configure(next.queue(), next.maxDeliveries(), next.concurrency());
    }

    /** Stops the feed thread; the engine is closed by its owner. */
    public void close() {
        engine.close();
        if (thread != null) {
            thread.interrupt();
        }
    }
}
