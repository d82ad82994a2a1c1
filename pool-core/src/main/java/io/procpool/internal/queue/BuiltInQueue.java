package io.procpool.internal.queue;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.WorkerFeed;
import java.time.Clock;

/**
 * The built-in queue of one manager run, put together: its store (opened only once the run directory's
 * lock is held, so one manager at a time writes it), the {@link QueueEngine} loaded from it, and the
 * {@link QueueFeed} that sends to workers. Built and closed by the manager's main thread.
 */
public final class BuiltInQueue implements AutoCloseable {

    private final QueueStore store;
    private final QueueEngine engine;
    private final QueueFeed feed;

    private BuiltInQueue(QueueStore store, QueueEngine engine) {
        this.store = store;
        this.engine = engine;
        this.feed = new QueueFeed(engine);
    }

    /** Opens the store of {@code config}'s queue and loads what it kept. */
    public static BuiltInQueue open(PoolConfig config) {
        QueueStore store =
                QueueStores.open(config.queueDatabase(), config.queue().durability());
        try {
            QueueEngine engine = new QueueEngine(
                    config.queue(), config.maxDeliveries(), config.concurrency(), store, Clock.systemUTC());
            engine.load();
            return new BuiltInQueue(store, engine);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public QueueEngine engine() {
        return engine;
    }

    public WorkerFeed feed() {
        return feed;
    }

    /** Starts sending to workers. */
    public void start() {
        feed.start();
    }

    @Override
    public void close() {
        feed.close();
        store.close();
    }
}
