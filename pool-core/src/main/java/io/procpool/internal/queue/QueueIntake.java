package io.procpool.internal.queue;

import io.procpool.internal.config.QueueSettings;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How messages enter the built-in queue: what the store kept, at start, and pushes, each given the next
 * ids and made visible only once the store has committed it. A full queue ({@code source.max_length})
 * holds a producer back for up to {@code push_timeout}, then refuses it; nothing is dropped silently.
 * Shares the {@link QueueEngine}'s lock and conditions: producers' threads call it, and the store's
 * commit is waited for outside the lock.
 */
final class QueueIntake {

    private static final Logger log = LoggerFactory.getLogger(QueueIntake.class);

    private final ReentrantLock lock;
    private final Condition changed;
    private final Condition space;
    private final QueueState q;
    private final QueueCounters counters;
    private final QueueStore store;
    private final Clock clock;
    private final Supplier<QueueSettings> settings;
    /** The next message id; shared by every queue of the manager, whose ids are unique in their one store. */
    private final AtomicLong nextId;
    /** Messages given ids whose commit is still awaited: they count against max_length. */
    private long pendingInserts;

    QueueIntake(
            ReentrantLock lock,
            Condition changed,
            Condition space,
            QueueState q,
            QueueCounters counters,
            QueueStore store,
            Clock clock,
            Supplier<QueueSettings> settings,
            AtomicLong nextId) {
        this.nextId = nextId;
        this.lock = lock;
        this.changed = changed;
        this.space = space;
        this.q = q;
        this.counters = counters;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    /** Loads what the store kept (a restart after a crash included). */
    void load() {
        String queue = settings.get().queue();
        long now = clock.millis();
        lock.lock();
        try {
            for (MessageRun run : QueueState.runsOf(store.load(queue))) {
                if (run.deliverAtMs() > now) {
                    q.addDelayed(run);
                } else {
                    q.addReady(run);
                }
            }
            long afterStored = store.maxId() + 1;
            nextId.accumulateAndGet(afterStored, Math::max);
            counters.deadAtStart = store.counts(queue).dead();
            if (q.readyCount + q.delayedCount > 0) {
                log.info("queue {}: {} message(s) waiting, {} delayed", queue, q.readyCount, q.delayedCount);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds messages to the back of {@code queue}, visible to workers {@code delayMs} from now; returns the
     * first of their ids (they are consecutive) once they are committed. The batch stays one run, in the
     * bytes it arrived in, until it is dealt.
     */
    long push(String queue, Bodies bodies, long delayMs) throws PushRefusedException, InterruptedException {
        QueueSettings s = settings.get();
        if (!s.queue().equals(queue)) {
            throw new PushRefusedException("this pool serves queue \"" + s.queue() + "\", not \"" + queue + "\"");
        }
        int n = bodies.size();
        for (int i = 0; i < n; i++) {
            if (bodies.length(i) > s.maxMessageBytes()) {
                throw new PushRefusedException("message " + (i + 1) + " is " + bodies.length(i)
                        + " bytes, over source.max_message_bytes (" + s.maxMessageBytes() + ")");
            }
        }
        long deliverAt = delayMs > 0 ? clock.millis() + delayMs : 0;
        long firstId;
        lock.lock();
        try {
            if (n == 0) {
                return nextId.get();
            }
            awaitSpace(n, s);
            firstId = nextId.getAndAdd(n);
            pendingInserts += n;
        } finally {
            lock.unlock();
        }
        try {
            store.insert(queue, firstId, bodies, deliverAt).join();
        } finally {
            lock.lock();
            try {
                pendingInserts -= n;
                space.signalAll();
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            MessageRun run = MessageRun.pushed(firstId, bodies, deliverAt);
            if (deliverAt > 0) {
                q.addDelayed(run);
            } else {
                q.addReady(run);
            }
            counters.pushed += n;
            changed.signal();
        } finally {
            lock.unlock();
        }
        return firstId;
    }

    /** Under the lock. */
    private void awaitSpace(int n, QueueSettings s) throws PushRefusedException, InterruptedException {
        if (s.maxLength() == 0) {
            return;
        }
        if (n > s.maxLength()) {
            throw new PushRefusedException(
                    "a batch of " + n + " is larger than source.max_length (" + s.maxLength() + ")");
        }
        long waitNanos = s.pushTimeout().toNanos();
        while (q.live() + pendingInserts + n > s.maxLength()) {
            if (waitNanos <= 0) {
                throw new PushRefusedException(
                        "queue " + s.queue() + " is full (source.max_length " + s.maxLength() + ") and stayed full for "
                                + s.pushTimeout().toMillis() + " ms; nothing was added: try again later");
            }
            waitNanos = space.awaitNanos(waitNanos);
        }
    }
}
