package io.procpool.internal.queue;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.WorkerFeed;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in queue of one manager run, put together: its store (opened only once the run directory's
 * lock is held, so one manager at a time writes it), and for each group that reads a queue a
 * {@link QueueEngine} loaded from it and the {@link QueueFeed} that sends to that group's workers. The
 * queues share the store and its message ids. Built and closed by the manager's main thread; pushes
 * find their queue's engine from any thread.
 */
public final class BuiltInQueue implements AutoCloseable {

    private final QueueStore store;
    /** By queue name, in the order of the groups. */
    private final Map<String, QueueEngine> engines;

    private final Map<String, QueueFeed> feeds = new LinkedHashMap<>();

    private BuiltInQueue(QueueStore store, Map<String, QueueEngine> engines) {
        this.store = store;
        this.engines = engines;
        engines.forEach((name, engine) -> feeds.put(name, new QueueFeed(engine)));
    }

    /** Opens the store and loads what it kept of the queue each of {@code groups} reads (at least one). */
    public static BuiltInQueue open(List<PoolConfig> groups) {
        PoolConfig first = groups.get(0);
        QueueStore store = QueueStores.open(first.queueDatabase(), first.queue().durability());
        try {
            AtomicLong nextId = new AtomicLong(1);
            Map<String, QueueEngine> engines = new LinkedHashMap<>();
            for (PoolConfig g : groups) {
                QueueEngine engine = new QueueEngine(
                        g.queue(), g.maxDeliveries(), g.concurrency(), store, Clock.systemUTC(), nextId);
                engine.load();
                engines.put(g.queueName(), engine);
            }
            return new BuiltInQueue(store, engines);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The engine of {@code queue}, or null when no group reads it. */
    public QueueEngine engine(String queue) {
        return engines.get(queue);
    }

    /** The first queue's engine: the one {@code pool queue} acts on unless told another. */
    public QueueEngine first() {
        return engines.values().iterator().next();
    }

    /** The feed of the group that reads {@code queue}. */
    public WorkerFeed feed(String queue) {
        return feeds.get(queue);
    }

    /** The queues, in the order of their groups. */
    public List<String> names() {
        return new ArrayList<>(engines.keySet());
    }

    /**
     * Pushes {@code bodies} into {@code queue} (what {@code pool push}, producers and {@code ctx.push} do);
     * returns the first id; a queue no group reads is refused, naming the ones there are.
     */
    public long push(String queue, Bodies bodies, long delayMs) throws PushRefusedException, InterruptedException {
        QueueEngine engine = engines.get(queue);
        if (engine == null && engines.size() > 1) {
            throw new PushRefusedException(
                    "this pool serves queues " + String.join(", ", engines.keySet()) + ", not \"" + queue + "\"");
        }
        // the one queue's engine refuses another name itself
        return (engine == null ? first() : engine).push(queue, bodies, delayMs);
    }

    /** See {@link #push(String, Bodies, long)}. */
    public long push(String queue, List<byte[]> bodies, long delayMs)
            throws PushRefusedException, InterruptedException {
        return push(queue, Bodies.of(bodies), delayMs);
    }

    /** Starts sending to workers. */
    public void start() {
        feeds.values().forEach(QueueFeed::start);
    }

    /** Stops taking pushes and dealing: the manager is stopping. */
    public void closeEngines() {
        engines.values().forEach(QueueEngine::close);
    }

    @Override
    public void close() {
        feeds.values().forEach(QueueFeed::close);
        store.close();
    }
}
