package io.procpool.internal.queue;

import io.procpool.PoolStatus;
import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes.Outcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The built-in queue: pushes in, deliveries dealt out within each worker's credit window, outcomes
 * settled, failures redelivered or dead-lettered ({@link Redelivery}), and the admin commands. Owns the
 * working set ({@link QueueState}) and tells the {@link QueueStore} every change, so that it survives
 * what the durability level promises. It does no I/O but the store's and reads time from the clock it is
 * given, so a test drives it directly; {@link QueueFeed} sends what it deals.
 *
 * <p>At-least-once: a pushed message becomes visible only after its commit, and leaves the store only
 * when a worker acks it.
 *
 * <p>Threads: producers call {@link #push} (it may wait for room and for the commit); IPC readers call
 * {@link #settle}; the supervisor attaches, pauses and detaches workers; the feed's thread calls
 * {@link #awaitDeal}; control threads call the admin and stats methods. State is guarded by one lock;
 * the store's waits happen outside it.
 */
public final class QueueEngine {

    /** What a worker is sent now: runs of messages, in one frame. */
    public record Dealt(long workerId, IpcConnection connection, List<Deliveries.Run> runs) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final QueueStore store;
    private final Clock clock;
    private final QueueState q = new QueueState();
    private final QueueCounters counters = new QueueCounters();
    private final CreditDealer dealer = new CreditDealer();
    private final Redelivery redelivery;
    private final QueueIntake intake;
    private volatile QueueLimits limits;
    private boolean intakeStopped;
    private boolean closed;

    public QueueEngine(QueueSettings settings, int maxDeliveries, int concurrency, QueueStore store, Clock clock) {
        this(settings, maxDeliveries, concurrency, store, clock, new AtomicLong(1));
    }

    /** An engine whose store holds other queues too: {@code nextId} is the store's, shared by their engines. */
    QueueEngine(
            QueueSettings settings,
            int maxDeliveries,
            int concurrency,
            QueueStore store,
            Clock clock,
            AtomicLong nextId) {
        this.limits = new QueueLimits(settings, maxDeliveries, concurrency);
        this.store = store;
        this.clock = clock;
        this.redelivery = new Redelivery(q, store, counters);
        this.intake = new QueueIntake(lock, changed, space, q, counters, store, clock, this::settings, nextId);
    }

    public QueueSettings settings() {
        return limits.settings();
    }

    /** Loads what the store kept (a restart after a crash included). */
    public void load() {
        intake.load();
    }

    /**
     * Adds messages to the back of {@code queue}, visible to workers {@code delayMs} from now; returns the
     * first of their ids (they are consecutive) once they are committed; see {@link QueueIntake#push}.
     */
    public long push(String queue, Bodies bodies, long delayMs) throws PushRefusedException, InterruptedException {
        return intake.push(queue, bodies, delayMs);
    }

    /** {@link #push(String, Bodies, long)} for separate bodies. */
    public long push(String queue, List<byte[]> bodies, long delayMs)
            throws PushRefusedException, InterruptedException {
        return push(queue, Bodies.of(bodies), delayMs);
    }

    /** Applies what a reload may change: prefetch, limits, delays (not the name or durability), max_deliveries, concurrency. */
    public void configure(QueueSettings next, int maxDeliveries, int concurrency) {
        lock.lock();
        try {
            QueueSettings running = limits.settings();
            limits = new QueueLimits(
                    new QueueSettings(
                            running.queue(),
                            running.durability(),
                            next.prefetch(),
                            next.maxLength(),
                            next.pushTimeout(),
                            next.maxMessageBytes(),
                            next.redeliveryDelay(),
                            next.maxRedeliveryDelay()),
                    maxDeliveries,
                    concurrency);
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A READY worker starts receiving messages. */
    public void attach(long workerId, int slot, IpcConnection connection) {
        lock.lock();
        try {
            q.outlets.put(workerId, new Outlet(workerId, slot, connection));
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The worker gets no new messages (it is stopping or being recycled); in-flight ones may still be acked. */
    public void pause(long workerId) {
        lock.lock();
        try {
            Outlet o = q.outlets.get(workerId);
            if (o != null) {
                o.paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The worker is gone: its unacked messages come back ({@link Redelivery#workerGone}). */
    public void detach(long workerId, String why, boolean messageFault) {
        lock.lock();
        try {
            Outlet o = q.outlets.remove(workerId);
            if (o != null) {
                redelivery.workerGone(o, why, messageFault, limits);
                changed.signal();
                space.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles outcomes from one worker's ACK frame; outcomes for unknown tags (a worker already
     * detached) are ignored. Returns how many acked messages it settled.
     */
    public long settle(long workerId, List<Outcome> outcomes) {
        boolean persistent = store.persistent();
        IdRanges done = persistent ? new IdRanges() : null;
        List<MessageRun> back = new ArrayList<>(0);
        long acked = 0;
        lock.lock();
        try {
            Outlet o = q.outlets.get(workerId);
            if (o == null) {
                return 0;
            }
            long now = clock.millis();
            QueueLimits l = limits;
            for (Outcome outcome : outcomes) {
                long a = outcome.tag();
                long end = a + outcome.count();
                while (a < end) {
                    Outlet.Flight f = o.flightOf(a);
                    if (f == null) {
                        a = o.nextFlightAfter(a);
                        if (a < 0) {
                            break;
                        }
                        continue;
                    }
                    MessageRun run = f.run();
                    int from = (int) (a - run.firstId());
                    int to = (int) Math.min(run.size(), end - run.firstId());
                    switch (outcome.result()) {
                        case ACKED -> {
                            counters.acked += to - from;
                            acked += to - from;
                            if (persistent) {
                                done.add(run.firstId() + from, to - from);
                            }
                        }
                        // never started: back to the head, and the delivery it was sent as does not count
                        case RELEASED -> redelivery.released(o, run.slice(from, to), back);
                        case FAILED -> {
                            for (int i = from; i < to; i++) {
                                redelivery.failed(run.slice(i, i + 1), outcome.error(), now, l);
                            }
                        }
                    }
                    o.settle(f, from, to);
                    a = run.firstId() + to;
                }
            }
            if (o.inFlight == 0) {
                o.holdsSuspect = false;
            }
            for (int i = back.size() - 1; i >= 0; i--) {
                q.addReadyFirst(back.get(i));
            }
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (persistent && !done.isEmpty()) {
            store.delete(done);
        }
        return acked;
    }

    /** What can be sent now, recorded as sent: delayed messages whose time has come included. Any thread. */
    public List<Dealt> deal() {
        lock.lock();
        try {
            q.promoteDue(clock.millis());
            return intakeStopped || closed
                    ? List.of()
                    : dealt(dealer.deal(q, limits.settings().prefetch()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code maxWaitMs} until something can be dealt, then deals it; an empty list when the
     * time ran out, null once the engine is closed. The feed's thread.
     */
    public List<Dealt> awaitDeal(long maxWaitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        lock.lock();
        try {
            while (!closed) {
                long now = clock.millis();
                q.promoteDue(now);
                int prefetch = limits.settings().prefetch();
                if (!intakeStopped && dealer.canDeal(q, prefetch)) {
                    return dealt(dealer.deal(q, prefetch));
                }
                long waitNs = deadline - System.nanoTime();
                if (waitNs <= 0) {
                    return List.of();
                }
                MessageRun next = q.delayed.peek();
                if (next != null) {
                    waitNs = Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(Math.max(1, next.deliverAtMs() - now)));
                }
                changed.awaitNanos(waitNs);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private static List<Dealt> dealt(Map<Outlet, List<Deliveries.Run>> batches) {
        List<Dealt> out = new ArrayList<>(batches.size());
        batches.forEach((o, runs) -> out.add(new Dealt(o.workerId, o.connection, runs)));
        return out;
    }

    /** No more dealing: a graceful stop lets in-flight work drain. */
    public void stopIntake() {
        lock.lock();
        try {
            intakeStopped = true;
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the dead letters back to the queue with their failure count reset; returns how many. */
    public int requeueDead() {
        List<StoredMessage> back = store.requeueDead(settings().queue());
        lock.lock();
        try {
            // Back with the failure count reset, whatever the store kept: a requeued letter starts over.
            for (MessageRun run : QueueState.runsOf(back.stream()
                    .map(m -> new StoredMessage(m.id(), m.body(), 0, 0, null))
                    .toList())) {
                q.addReady(run);
            }
            counters.deadAtStart = 0;
            counters.deadLettered = 0;
            changed.signal();
        } finally {
            lock.unlock();
        }
        return back.size();
    }

    /** Deletes every message that is not in flight (ready, suspect and delayed); returns how many. */
    public long purge() {
        IdRanges ids = new IdRanges();
        lock.lock();
        try {
            q.ready.forEach(m -> ids.add(m.firstId(), m.size()));
            q.suspects.forEach(m -> ids.add(m.firstId(), m.size()));
            q.delayed.forEach(m -> ids.add(m.firstId(), m.size()));
            q.ready.clear();
            q.suspects.clear();
            q.delayed.clear();
            q.readyCount = 0;
            q.delayedCount = 0;
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (!ids.isEmpty()) {
            store.delete(ids);
        }
        return ids.total();
    }

    /** Up to {@code limit} messages waiting in the queue (or its dead letters), in the order they go out. */
    public List<StoredMessage> peek(boolean dead, int limit) {
        if (dead) {
            return store.peek(QueueStore.deadQueue(settings().queue()), limit);
        }
        List<StoredMessage> list = new ArrayList<>();
        lock.lock();
        try {
            peekInto(q.suspects, list, limit); // they are dealt first
            peekInto(q.ready, list, limit);
        } finally {
            lock.unlock();
        }
        return list;
    }

    private static void peekInto(Deque<MessageRun> runs, List<StoredMessage> list, int limit) {
        for (MessageRun run : runs) {
            for (int i = 0; i < run.size() && list.size() < limit; i++) {
                list.add(new StoredMessage(run.firstId() + i, run.body(i), run.failures(), 0, null));
            }
            if (list.size() >= limit) {
                return;
            }
        }
    }

    /** Records the counters for the rates; the supervisor calls it about once a second. */
    public void sampleRates(long nowMs) {
        lock.lock();
        try {
            counters.sample(nowMs);
        } finally {
            lock.unlock();
        }
    }

    /** Counters for {@code pool status} and {@code pool queue stats}. */
    public PoolStatus.QueueStats stats() {
        lock.lock();
        try {
            QueueSettings s = settings();
            return new PoolStatus.QueueStats(
                    s.queue(),
                    s.durability().name().toLowerCase(java.util.Locale.ROOT),
                    q.waiting(),
                    q.delayedCount,
                    q.inFlight(),
                    counters.dead(),
                    counters.pushed,
                    counters.acked,
                    counters.pushedPerSecond(),
                    counters.ackedPerSecond(),
                    s.maxLength(),
                    counters.redelivered,
                    counters.deadLetteredTotal);
        } finally {
            lock.unlock();
        }
    }
}
