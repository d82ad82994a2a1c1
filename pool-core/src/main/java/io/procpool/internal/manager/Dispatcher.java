package io.procpool.internal.manager;

import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.ipc.Payloads.Delivery;
import io.procpool.internal.ipc.Payloads.Outcome;
import io.procpool.internal.queue.QueueStore;
import io.procpool.internal.queue.StoredMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in queue's manager side: feeds messages to READY workers and settles their
 * outcomes. Owns the working set in memory (ready, delayed and in-flight messages), each
 * worker's credit window ({@code prefetch} unacked messages at most), and tells the
 * {@link QueueStore} every change so that it survives what the durability level promises.
 *
 * <p>At-least-once: a pushed message becomes visible only after its commit, and leaves the
 * store only when a worker acks it. The in-flight messages of a worker that dies go back to the
 * head of the queue with their attempt raised; a failed message waits a redelivery delay and
 * comes back until {@code max_deliveries}, then goes to the dead letters ({@code <queue>.dead})
 * with its last error; a message whose workers keep dying is dead-lettered the same way.
 *
 * <p>Threads: the "dispatcher" thread sends DELIVER batches and wakes delayed messages; IPC
 * reader threads call {@link #settle}; the supervisor thread calls {@link #attach},
 * {@link #pause}, {@link #detach}; control threads call {@link #push} and the inspection
 * methods. All state is guarded by {@link #lock}; socket writes and store waits happen outside it.
 */
public final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Messages per DELIVER frame at most: large enough to amortize a syscall, small enough to spread load. */
    private static final int MAX_BATCH = 256;
    private static final long MAX_BATCH_BYTES = 4 << 20;

    /** A push the queue cannot take now (full, too large, wrong queue); the message says why. */
    public static final class PushRefusedException extends Exception {
        public PushRefusedException(String message) {
            super(message);
        }
    }

    /**
     * A message in the working set. {@code attempt} counts deliveries (what consumers see as
     * {@code attempt()}); {@code failures} counts deliveries that failed or whose worker died of
     * it, and is what {@code max_deliveries} limits.
     */
    private record Live(long id, byte[] body, int attempt, int failures, long deliverAtMs) {
        Live nextAttempt() {
            return new Live(id, body, attempt + 1, failures, 0);
        }

        Live notDelivered() {
            return new Live(id, body, attempt - 1, failures, 0);
        }

        Live failed(long deliverAtMs) {
            return new Live(id, body, attempt, failures + 1, deliverAtMs);
        }
    }

    /** What the dispatcher knows of one attached worker. */
    private static final class Outlet {
        final long workerId;
        final int slot;
        final IpcConnection connection;
        final Map<Long, Live> inFlight = new LinkedHashMap<>();
        boolean paused;

        Outlet(long workerId, int slot, IpcConnection connection) {
            this.workerId = workerId;
            this.slot = slot;
            this.connection = connection;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final QueueStore store;
    private volatile QueueSettings settings;
    private volatile int maxDeliveries;
    /** Messages a worker runs at once: how many of its in-flight messages can have started. */
    private volatile int concurrency;
    private final Deque<Live> ready = new ArrayDeque<>();
    private final PriorityQueue<Live> delayed = new PriorityQueue<>(Comparator.comparingLong(Live::deliverAtMs)
            .thenComparingLong(Live::id));
    private final Map<Long, Outlet> outlets = new LinkedHashMap<>();
    private long nextId = 1;
    private long pendingInserts;
    private long pushed;
    private long acked;
    private long deadLettered;
    private long deadAtStart;
    private long sendsDropped;
    private long dealRound;
    /** (time ms, pushed, acked) once a second over the last 10 s, for the rates in stats. */
    private final Deque<long[]> rateSamples = new ArrayDeque<>();
    private static final long RATE_WINDOW_MS = 10_000;
    private boolean intakeStopped;
    private boolean closed;
    private Thread thread;

    public Dispatcher(QueueSettings settings, int maxDeliveries, int concurrency, QueueStore store) {
        this.settings = settings;
        this.maxDeliveries = maxDeliveries;
        this.concurrency = concurrency;
        this.store = store;
    }

    /** Loads what the store kept (a restart after a crash included) and starts dispatching. */
    public void start() {
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            for (StoredMessage m : store.load(settings.queue())) {
                Live live = new Live(m.id(), m.body(), m.attempts(), m.attempts(), m.deliverAtMs());
                if (m.deliverAtMs() > now) {
                    delayed.add(live);
                } else {
                    ready.add(live);
                }
            }
            nextId = store.maxId() + 1;
            deadAtStart = store.counts(settings.queue()).dead();
        } finally {
            lock.unlock();
        }
        if (!ready.isEmpty() || !delayed.isEmpty()) {
            log.info("queue {}: {} message(s) waiting, {} delayed", settings.queue(), ready.size(), delayed.size());
        }
        thread = Thread.ofPlatform().name("dispatcher").daemon().start(this::dispatchLoop);
    }

    /** Applies reloadable settings (prefetch, limits, delays; not the queue name or durability). */
    public void configure(QueueSettings next, int maxDeliveries, int concurrency) {
        lock.lock();
        try {
            this.settings = new QueueSettings(settings.queue(), settings.durability(), next.prefetch(), next.maxLength(),
                    next.pushTimeout(), next.maxMessageBytes(), next.redeliveryDelay(), next.maxRedeliveryDelay());
            this.maxDeliveries = maxDeliveries;
            this.concurrency = concurrency;
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds messages to the back of {@code queue}, visible to workers {@code delayMs} from now;
     * returns the first of their ids (they are consecutive) once they are committed. A full
     * queue holds the producer back for up to {@code push_timeout}, then refuses; nothing is
     * dropped silently.
     */
    public long push(String queue, List<byte[]> bodies, long delayMs) throws PushRefusedException, InterruptedException {
        QueueSettings s = settings;
        if (!s.queue().equals(queue)) {
            throw new PushRefusedException("this pool serves queue \"" + s.queue() + "\", not \"" + queue + "\"");
        }
        for (int i = 0; i < bodies.size(); i++) {
            if (bodies.get(i).length > s.maxMessageBytes()) {
                throw new PushRefusedException("message " + (i + 1) + " is " + bodies.get(i).length
                        + " bytes, over source.max_message_bytes (" + s.maxMessageBytes() + ")");
            }
        }
        List<StoredMessage> batch = new ArrayList<>(bodies.size());
        long deliverAt = delayMs > 0 ? System.currentTimeMillis() + delayMs : 0;
        lock.lock();
        try {
            awaitSpace(bodies.size(), s);
            for (byte[] body : bodies) {
                batch.add(new StoredMessage(nextId++, body, 0, deliverAt, null));
            }
            pendingInserts += batch.size();
        } finally {
            lock.unlock();
        }
        try {
            store.insert(queue, batch).join();
        } finally {
            lock.lock();
            try {
                pendingInserts -= batch.size();
                space.signalAll();
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            for (StoredMessage m : batch) {
                Live live = new Live(m.id(), m.body(), 0, 0, deliverAt);
                if (deliverAt > 0) {
                    delayed.add(live);
                } else {
                    ready.addLast(live);
                }
            }
            pushed += batch.size();
            changed.signal();
        } finally {
            lock.unlock();
        }
        return batch.isEmpty() ? nextIdSnapshot() : batch.get(0).id();
    }

    private long nextIdSnapshot() {
        lock.lock();
        try {
            return nextId;
        } finally {
            lock.unlock();
        }
    }

    /** The ids {@link #push} gave a batch of {@code count} starting at {@code first}, as text. */
    public static List<String> ids(long first, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(Long.toString(first + i));
        }
        return ids;
    }

    private void awaitSpace(int n, QueueSettings s) throws PushRefusedException, InterruptedException {
        if (s.maxLength() == 0) {
            return;
        }
        if (n > s.maxLength()) {
            throw new PushRefusedException("a batch of " + n + " is larger than source.max_length (" + s.maxLength() + ")");
        }
        long waitNanos = s.pushTimeout().toNanos();
        while (size() + n > s.maxLength()) {
            if (waitNanos <= 0) {
                throw new PushRefusedException("queue " + s.queue() + " is full (source.max_length " + s.maxLength()
                        + ") and stayed full for " + s.pushTimeout().toMillis() + " ms; nothing was added: try again later");
            }
            waitNanos = space.awaitNanos(waitNanos);
        }
    }

    /** Live messages: ready, delayed, in flight and being committed. Under the lock. */
    private long size() {
        long inFlight = 0;
        for (Outlet o : outlets.values()) {
            inFlight += o.inFlight.size();
        }
        return ready.size() + delayed.size() + inFlight + pendingInserts;
    }

    /** A READY worker starts receiving messages. */
    public void attach(long workerId, int slot, IpcConnection connection) {
        lock.lock();
        try {
            outlets.put(workerId, new Outlet(workerId, slot, connection));
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The worker gets no new messages (it is stopping or being recycled); in-flight ones may still be acked. */
    public void pause(long workerId) {
        lock.lock();
        try {
            Outlet o = outlets.get(workerId);
            if (o != null) {
                o.paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The worker is gone: its unacked messages go back to the head of the queue. When the death
     * may be the message's fault ({@code messageFault}: a crash of its own, or a kill for
     * {@code message_timeout}), the first {@code concurrency} of them (those that can have been
     * running) count a failure, so a message that keeps killing its workers is dead-lettered at
     * {@code max_deliveries} instead of killing the next one. A kill from outside (SIGKILL,
     * SIGTERM) counts nothing. Messages beyond the first {@code concurrency} were waiting
     * unstarted, and go back as if never sent.
     */
    public void detach(long workerId, String why, boolean messageFault) {
        lock.lock();
        try {
            Outlet o = outlets.remove(workerId);
            if (o == null) {
                return;
            }
            List<Live> back = new ArrayList<>(o.inFlight.values());
            int requeued = 0;
            for (int i = back.size() - 1; i >= 0; i--) {
                Live m = back.get(i);
                boolean mayHaveRun = i < concurrency;
                Live next = !mayHaveRun ? m.notDelivered() : messageFault ? m.failed(0) : m;
                if (next.failures() >= maxDeliveries) {
                    deadLetter(next, "its worker " + why + " while delivery " + m.attempt() + " of it was running");
                } else {
                    if (next.failures() > m.failures()) {
                        store.recordFailure(m.id(), next.failures(), "worker " + why, 0);
                    }
                    ready.addFirst(next);
                    requeued++;
                }
            }
            if (requeued > 0) {
                log.info("redelivering {} unacked message(s) of worker {} (slot {})", requeued, workerId, o.slot);
            }
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Settles outcomes from one worker's ACK frame. */
    public void settle(long workerId, List<Outcome> outcomes) {
        boolean persistent = store.persistent();
        List<Long> done = persistent ? new ArrayList<>(outcomes.size()) : null;
        int ackedNow = 0;
        lock.lock();
        try {
            Outlet o = outlets.get(workerId);
            if (o == null) {
                return;
            }
            long now = System.currentTimeMillis();
            for (Outcome outcome : outcomes) {
                Live m = o.inFlight.remove(outcome.tag());
                if (m == null) {
                    continue;
                }
                switch (outcome.result()) {
                    case ACKED -> {
                        ackedNow++;
                        if (persistent) {
                            done.add(m.id());
                        }
                    }
                    // never started: back to the head, and the delivery it was sent as does not count
                    case RELEASED -> ready.addFirst(m.notDelivered());
                    case FAILED -> fail(m, outcome.error(), now);
                }
            }
            acked += ackedNow;
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (persistent && !done.isEmpty()) {
            store.delete(done);
        }
    }

    /** A delivery failed: wait and deliver again, or dead-letter it at max_deliveries. Under the lock. */
    private void fail(Live m, String error, long now) {
        Live failed = m.failed(0);
        if (failed.failures() >= maxDeliveries) {
            deadLetter(failed, error);
            return;
        }
        long deliverAt = now + settings.redeliveryDelayAfter(failed.failures()).toMillis();
        delayed.add(m.failed(deliverAt));
        store.recordFailure(m.id(), failed.failures(), error, deliverAt);
    }

    /** Under the lock. */
    private void deadLetter(Live m, String error) {
        deadLettered++;
        store.moveToDead(settings.queue(), new StoredMessage(m.id(), m.body(), m.failures(), 0, error));
        log.warn("message {} of queue {} was dead-lettered after {} failed deliveries: {}", m.id(), settings.queue(),
                m.failures(), error);
    }

    /**
     * Delivers a worker-to-worker message to the worker of {@code slot} that is attached and
     * not paused; at most once, so it is dropped (and counted) when there is none.
     */
    public void sendToSlot(int fromSlot, int slot, byte[] body) {
        IpcConnection target = null;
        lock.lock();
        try {
            for (Outlet o : outlets.values()) {
                if (o.slot == slot && !o.paused) {
                    target = o.connection;
                }
            }
            if (target == null) {
                sendsDropped++;
                return;
            }
        } finally {
            lock.unlock();
        }
        Delivery d = new Delivery(-1, "send-" + System.nanoTime(), 1, "worker:" + fromSlot, Map.of(), body);
        try {
            target.send(FrameType.DELIVER, new Payloads.Deliver(List.of(d)).encode());
        } catch (IOException e) {
            lock.lock();
            try {
                sendsDropped++;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Moves the dead letters back to the queue with their attempts reset; returns how many. */
    public int requeueDead() {
        List<StoredMessage> back = store.requeueDead(settings.queue());
        lock.lock();
        try {
            for (StoredMessage m : back) {
                ready.addLast(new Live(m.id(), m.body(), 0, 0, 0));
            }
            deadAtStart = 0;
            deadLettered = 0;
            changed.signal();
        } finally {
            lock.unlock();
        }
        return back.size();
    }

    /** Deletes every message that is not in flight (ready and delayed); returns how many. */
    public int purge() {
        List<Long> ids = new ArrayList<>();
        lock.lock();
        try {
            ready.forEach(m -> ids.add(m.id()));
            delayed.forEach(m -> ids.add(m.id()));
            ready.clear();
            delayed.clear();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (!ids.isEmpty()) {
            store.delete(ids);
        }
        return ids.size();
    }

    /** Up to {@code limit} messages waiting in the queue (or its dead letters), oldest first. */
    public List<StoredMessage> peek(boolean dead, int limit) {
        if (dead) {
            return store.peek(QueueStore.deadQueue(settings.queue()), limit);
        }
        List<StoredMessage> list = new ArrayList<>();
        lock.lock();
        try {
            for (Live m : ready) {
                if (list.size() >= limit) {
                    break;
                }
                list.add(new StoredMessage(m.id(), m.body(), m.failures(), 0, null));
            }
        } finally {
            lock.unlock();
        }
        return list;
    }

    /** No more dispatching: used by a graceful stop so in-flight work can drain. */
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
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records the counters for the rates; the supervisor calls it about once a second. */
    public void sampleRates(long nowMs) {
        lock.lock();
        try {
            rateSamples.addLast(new long[] {nowMs, pushed, acked});
            while (rateSamples.size() > 2 && rateSamples.peekFirst()[0] < nowMs - RATE_WINDOW_MS) {
                rateSamples.pollFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counters for {@code pool status} and {@code pool queue stats}. */
    public Map<String, Object> stats() {
        lock.lock();
        try {
            long inFlight = 0;
            for (Outlet o : outlets.values()) {
                inFlight += o.inFlight.size();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", settings.queue());
            m.put("durability", settings.durability().name().toLowerCase(java.util.Locale.ROOT));
            m.put("depth", ready.size());
            m.put("delayed", delayed.size());
            m.put("in_flight", inFlight);
            m.put("dead", deadAtStart + deadLettered);
            m.put("pushed", pushed);
            m.put("acked", acked);
            long[] oldest = rateSamples.peekFirst();
            long[] newest = rateSamples.peekLast();
            double seconds = oldest == null || newest == oldest ? 0 : (newest[0] - oldest[0]) / 1000.0;
            m.put("pushed_per_s", seconds == 0 ? 0 : Math.round((newest[1] - oldest[1]) / seconds));
            m.put("acked_per_s", seconds == 0 ? 0 : Math.round((newest[2] - oldest[2]) / seconds));
            m.put("max_length", settings.maxLength());
            m.put("sends_dropped", sendsDropped);
            return m;
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        while (true) {
            Map<Outlet, List<Delivery>> batches = new LinkedHashMap<>();
            lock.lock();
            try {
                while (!closed && !promoteDueMessages() && (intakeStopped || ready.isEmpty() || !anyCredit())) {
                    Live next = delayed.peek();
                    long waitMs = next == null ? Long.MAX_VALUE : next.deliverAtMs() - System.currentTimeMillis();
                    if (waitMs == Long.MAX_VALUE) {
                        changed.awaitUninterruptibly();
                    } else if (waitMs > 0) {
                        try {
                            changed.await(waitMs, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                if (closed) {
                    return;
                }
                if (!intakeStopped) {
                    fillBatches(batches);
                }
            } finally {
                lock.unlock();
            }
            // Socket writes happen outside the lock so that acks keep settling meanwhile.
            batches.forEach((outlet, deliveries) -> {
                try {
                    outlet.connection.send(FrameType.DELIVER, new Payloads.Deliver(deliveries).encode());
                } catch (IOException e) {
                    // The worker is dying; its exit detaches it and redelivers these messages.
                }
            });
        }
    }

    /**
     * Moves delayed messages whose time has come to the back of the ready queue. Returns true
     * when it moved any and a worker has credit, so the caller dispatches. Under the lock.
     */
    private boolean promoteDueMessages() {
        long now = System.currentTimeMillis();
        boolean moved = false;
        while (!delayed.isEmpty() && delayed.peek().deliverAtMs() <= now) {
            ready.addLast(delayed.poll());
            moved = true;
        }
        return moved && !intakeStopped && anyCredit();
    }

    private boolean anyCredit() {
        int prefetch = settings.prefetch();
        for (Outlet o : outlets.values()) {
            if (!o.paused && o.inFlight.size() < prefetch) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deals ready messages to the workers with credit, starting after the worker that was dealt
     * first last time: each gets at most its share of what is ready (so a trickle spreads over
     * the pool) and at most its free credit (so a flood fills every window), in one contiguous
     * batch per worker. Under the lock.
     */
    private void fillBatches(Map<Outlet, List<Delivery>> batches) {
        List<Outlet> open = new ArrayList<>();
        for (Outlet o : outlets.values()) {
            if (!o.paused && o.inFlight.size() < settings.prefetch()) {
                open.add(o);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        int prefetch = settings.prefetch();
        String source = "queue:" + settings.queue();
        int start = (int) (dealRound++ % open.size());
        int share = Math.max(1, (ready.size() + open.size() - 1) / open.size());
        for (int k = 0; k < open.size() && !ready.isEmpty(); k++) {
            Outlet o = open.get((start + k) % open.size());
            int take = Math.min(Math.min(share, MAX_BATCH), prefetch - o.inFlight.size());
            List<Delivery> batch = new ArrayList<>(take);
            long bytes = 0;
            while (batch.size() < take && !ready.isEmpty()
                    && (batch.isEmpty() || bytes + ready.peekFirst().body().length <= MAX_BATCH_BYTES)) {
                Live sent = ready.pollFirst().nextAttempt();
                o.inFlight.put(sent.id(), sent);
                batch.add(new Delivery(sent.id(), null, sent.attempt(), source, Map.of(), sent.body()));
                bytes += sent.body().length;
            }
            if (!batch.isEmpty()) {
                batches.put(o, batch);
            }
        }
    }
}
