package io.procpool.redis;

import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends acks in batches: one command carries every ack queued since the last one (XACK with many
 * ids; one script removing many list entries), instead of a write and a reply per message. A lost
 * ack leaves its message where a later worker finds it: delivered again, never lost. Delivery
 * threads {@link #add}; its own thread sends; {@link #close} waits for what is queued.
 */
final class AckBatcher<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AckBatcher.class);
    private static final int MAX_BATCH = 4_096;
    private static final int COALESCE_BELOW = 64;
    private static final long COALESCE_NS = 1_000_000L;

    private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> send;
    private final String what;
    private final Thread thread;
    private volatile boolean closing;

    /** {@code send} sends one batch (pipelined, not awaited); {@code what} names the messages in log lines. */
    AckBatcher(String name, String what, Consumer<List<T>> send) {
        this.send = send;
        this.what = what;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    void add(T ack) {
        queue.add(ack);
    }

    /** True when no ack waits to be sent. */
    boolean idle() {
        return queue.isEmpty();
    }

    private void run() {
        List<T> batch = new ArrayList<>();
        while (true) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                if (queue.size() < COALESCE_BELOW && !closing) {
                    // Let a few more finish first: a wake-up and a command per ack or two would cost
                    // more than the millisecond an ack waits here.
                    LockSupport.parkNanos(COALESCE_NS);
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send.accept(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RedisException e) {
                log.warn("could not ack {} {} ({}); they will be delivered again", batch.size(), what, e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    /** Waits up to 3 s for the queued acks to leave. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
