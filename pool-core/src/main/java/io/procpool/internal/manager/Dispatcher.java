package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.QueueSettings;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.ipc.Payloads.Outcome;
import io.procpool.internal.queue.Bodies;
import io.procpool.internal.queue.IdRanges;
import io.procpool.internal.queue.QueueStore;
import io.procpool.internal.queue.StoredMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * with its last error; a message whose workers keep dying is dead-lettered the same way, found
 * by delivering a dead worker's messages one at a time ("suspects", see {@link #detach}).
 *
 * <p>Threads: the "dispatcher" thread sends DELIVER batches and wakes delayed messages; IPC
 * reader threads call {@link #settle}; the supervisor thread calls {@link #attach},
 * {@link #pause}, {@link #detach}; control threads call {@link #push} and the inspection
 * methods. All state is guarded by {@link #lock}; socket writes and store waits happen outside it.
 */
public final class Dispatcher implements WorkerFeed {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Messages per DELIVER frame at most: large enough to amortize a syscall, small enough to spread load. */
    private static final int MAX_BATCH = 1024;
    private static final long MAX_BATCH_BYTES = 4 << 20;

    /** A push the queue cannot take now (full, too large, wrong queue); the message says why. */
    public static final class PushRefusedException extends Exception {
        public PushRefusedException(String message) {
            super(message);
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
    private final Deque<MessageRun> ready = new ArrayDeque<>();
    private long readyCount;
    /**
     * One-message runs that a worker held when it died of its own: any of them may have killed it.
     * Each goes alone to a worker holding nothing else, and before any ready message, so that the
     * one that kills its worker again is known and counted (and the others are not).
     */
    private final Deque<MessageRun> suspects = new ArrayDeque<>();
    private final PriorityQueue<MessageRun> delayed = new PriorityQueue<>(Comparator.comparingLong(MessageRun::deliverAtMs)
            .thenComparingLong(MessageRun::firstId));
    private long delayedCount;
    private final Map<Long, Outlet> outlets = new LinkedHashMap<>();
    private long flightSeq;
    private long nextId = 1;
    private long pendingInserts;
    private long pushed;
    private long acked;
    private long deadLettered;
    private long deadAtStart;
    private long dealRound;
    /** (time ms, pushed, acked) once a second over the last 10 s, for the rates in stats. */
    private final Deque<long[]> rateSamples = new ArrayDeque<>();
    private static final long RATE_WINDOW_MS = 10_000;
    private boolean intakeStopped;
    private boolean closed;
    private Thread thread;
    /** Where the dispatcher thread encodes DELIVER_RUNS frames; see {@link #encode}. */
    private ByteBuffer deliverBuffer;

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
            for (MessageRun run : runsOf(store.load(settings.queue()))) {
                if (run.deliverAtMs() > now) {
                    addDelayed(run);
                } else {
                    addReady(run);
                }
            }
            nextId = store.maxId() + 1;
            deadAtStart = store.counts(settings.queue()).dead();
        } finally {
            lock.unlock();
        }
        if (readyCount + delayedCount > 0) {
            log.info("queue {}: {} message(s) waiting, {} delayed", settings.queue(), readyCount, delayedCount);
        }
        thread = Thread.ofPlatform().name("dispatcher").daemon().start(this::dispatchLoop);
    }

    /** Applies the reloadable settings of the queue: prefetch, limits, delays, max_deliveries, concurrency. */
    @Override
    public void reconfigure(PoolConfig next) {
        configure(next.queue(), next.maxDeliveries(), next.concurrency());
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

    /** {@link #push(String, Bodies, long)} for separate bodies. */
    public long push(String queue, List<byte[]> bodies, long delayMs) throws PushRefusedException, InterruptedException {
        return push(queue, Bodies.of(bodies), delayMs);
    }

    /**
     * Adds messages to the back of {@code queue}, visible to workers {@code delayMs} from now;
     * returns the first of their ids (they are consecutive) once they are committed. A full
     * queue holds the producer back for up to {@code push_timeout}, then refuses; nothing is
     * dropped silently. The batch stays one run, in the bytes it arrived in, until it is dispatched.
     */
    public long push(String queue, Bodies bodies, long delayMs) throws PushRefusedException, InterruptedException {
        QueueSettings s = settings;
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
        if (n == 0) {
            return nextIdSnapshot();
        }
        long deliverAt = delayMs > 0 ? System.currentTimeMillis() + delayMs : 0;
        long firstId;
        lock.lock();
        try {
            awaitSpace(n, s);
            firstId = nextId;
            nextId += n;
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
                addDelayed(run);
            } else {
                addReady(run);
            }
            pushed += n;
            changed.signal();
        } finally {
            lock.unlock();
        }
        return firstId;
    }

    /** Stored messages as runs: consecutive ids with the same attempts and time share one. */
    private static List<MessageRun> runsOf(List<StoredMessage> stored) {
        List<MessageRun> runs = new ArrayList<>();
        int i = 0;
        while (i < stored.size()) {
            StoredMessage first = stored.get(i);
            int j = i + 1;
            while (j < stored.size() && stored.get(j).id() == first.id() + (j - i)
                    && stored.get(j).attempts() == first.attempts() && stored.get(j).deliverAtMs() == first.deliverAtMs()) {
                j++;
            }
            List<byte[]> bodies = new ArrayList<>(j - i);
            for (int k = i; k < j; k++) {
                bodies.add(stored.get(k).body());
            }
            runs.add(new MessageRun(first.id(), Bodies.of(bodies), 0, j - i, first.attempts(), first.attempts(),
                    first.deliverAtMs()));
            i = j;
        }
        return runs;
    }

    /** Under the lock. */
    private void addReady(MessageRun run) {
        ready.addLast(run);
        readyCount += run.size();
    }

    /** Under the lock. */
    private void addReadyFirst(MessageRun run) {
        ready.addFirst(run);
        readyCount += run.size();
    }

    /** Under the lock. */
    private void addDelayed(MessageRun run) {
        delayed.add(run);
        delayedCount += run.size();
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
        return readyCount + suspects.size() + delayedCount + inFlight() + pendingInserts;
    }

    /** Under the lock. */
    private long inFlight() {
        long n = 0;
        for (Outlet o : outlets.values()) {
            n += o.inFlight;
        }
        return n;
    }

    /** A READY worker starts receiving messages. */
    @Override
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
    @Override
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
     * The worker is gone: its unacked messages go back to the head of the queue.
     *
     * <p>When the death may be a message's fault ({@code messageFault}: a crash of its own, or a
     * kill for {@code message_timeout}), only a message that was surely running counts a failed
     * delivery: the worker held nothing else. Acks travel in batches, so of several unacked
     * messages any may have finished already; they all become suspects, delivered one at a time
     * to a worker holding nothing else, and the one that kills its worker again is then counted
     * alone. So a message that keeps killing its workers is dead-lettered at {@code max_deliveries}
     * (after one more delivery, the one that made it a suspect), and the messages fetched with it
     * are not. A kill from outside (SIGKILL, SIGTERM) counts nothing: the first {@code concurrency}
     * messages (those that can have been running) go back with the delivery counted, the rest as
     * if never sent.
     */
    @Override
    public void detach(long workerId, String why, boolean messageFault) {
        lock.lock();
        try {
            Outlet o = outlets.remove(workerId);
            if (o == null) {
                return;
            }
            List<MessageRun> back = new ArrayList<>();
            List<MessageRun> suspected = new ArrayList<>();
            boolean lone = o.inFlight == 1;
            int index = 0; // position among the worker's unsettled messages, in the order they were sent
            for (Outlet.Flight f : o.flightsInSendOrder()) {
                MessageRun run = f.run();
                if (lone && messageFault) {
                    MessageRun next = run.failed(0);
                    if (next.failures() >= maxDeliveries) {
                        deadLetter(next, "its worker " + why + " while delivery " + run.attempt() + " of it was running");
                    } else {
                        store.recordFailure(run.firstId(), next.failures(), "worker " + why, 0);
                        suspected.add(next);
                    }
                } else if (messageFault || o.holdsSuspect) {
                    for (int i = 0; i < run.size(); i++) {
                        suspected.add(run.slice(i, i + 1));
                    }
                } else {
                    int mayHaveRun = (int) Math.max(0, Math.min(run.size(), (long) concurrency - index));
                    for (int i = 0; i < mayHaveRun; i++) {
                        back.add(run.slice(i, i + 1));
                    }
                    if (mayHaveRun < run.size()) {
                        back.add(run.slice(mayHaveRun, run.size()).notDelivered());
                    }
                }
                index += run.size();
            }
            for (int i = back.size() - 1; i >= 0; i--) {
                addReadyFirst(back.get(i));
            }
            for (int i = suspected.size() - 1; i >= 0; i--) {
                suspects.addFirst(suspected.get(i));
            }
            long requeued = back.stream().mapToLong(MessageRun::size).sum() + suspected.size();
            if (requeued > 0) {
                log.info("redelivering {} unacked message(s) of worker {} (slot {}){}", requeued, workerId, o.slot,
                        suspected.size() > 1 ? ", one at a time: any of them may have killed it" : "");
            }
            changed.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Settles outcomes from one worker's ACK frame; outcomes for unknown tags are ignored. */
    @Override
    public void settle(long workerId, List<Outcome> outcomes) {
        boolean persistent = store.persistent();
        IdRanges done = persistent ? new IdRanges() : null;
        List<MessageRun> back = new ArrayList<>(0);
        long ackedNow = 0;
        lock.lock();
        try {
            Outlet o = outlets.get(workerId);
            if (o == null) {
                return;
            }
            long now = System.currentTimeMillis();
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
                    int p = (int) (a - run.firstId());
                    int q = (int) Math.min(run.size(), end - run.firstId());
                    switch (outcome.result()) {
                        case ACKED -> {
                            ackedNow += q - p;
                            if (persistent) {
                                done.add(run.firstId() + p, q - p);
                            }
                        }
                        // never started: back to the head, and the delivery it was sent as does not count
                        case RELEASED -> {
                            if (o.holdsSuspect) {
                                suspects.addFirst(run.slice(p, q).notDelivered());
                            } else {
                                back.add(run.slice(p, q).notDelivered());
                            }
                        }
                        case FAILED -> {
                            for (int i = p; i < q; i++) {
                                fail(run.slice(i, i + 1), outcome.error(), now);
                            }
                        }
                    }
                    o.settle(f, p, q);
                    a = run.firstId() + q;
                }
            }
            if (o.inFlight == 0) {
                o.holdsSuspect = false;
            }
            for (int i = back.size() - 1; i >= 0; i--) {
                addReadyFirst(back.get(i));
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

    /** A delivery of a one-message run failed: wait and deliver again, or dead-letter it at max_deliveries. Under the lock. */
    private void fail(MessageRun m, String error, long now) {
        MessageRun failed = m.failed(0);
        if (failed.failures() >= maxDeliveries) {
            deadLetter(failed, error);
            return;
        }
        long deliverAt = now + settings.redeliveryDelayAfter(failed.failures()).toMillis();
        addDelayed(m.failed(deliverAt));
        store.recordFailure(m.firstId(), failed.failures(), error, deliverAt);
    }

    /** Dead-letters a one-message run. Under the lock. */
    private void deadLetter(MessageRun m, String error) {
        deadLettered++;
        store.moveToDead(settings.queue(), new StoredMessage(m.firstId(), m.body(0), m.failures(), 0, error));
        log.warn("message {} of queue {} was dead-lettered after {} failed deliveries: {}", m.firstId(), settings.queue(),
                m.failures(), error);
    }

    /** Moves the dead letters back to the queue with their attempts reset; returns how many. */
    public int requeueDead() {
        List<StoredMessage> back = store.requeueDead(settings.queue());
        lock.lock();
        try {
            // Back with attempts reset, whatever the store kept: a requeued letter starts over.
            for (MessageRun run : runsOf(back.stream().map(m -> new StoredMessage(m.id(), m.body(), 0, 0, null)).toList())) {
                addReady(run);
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
    public long purge() {
        IdRanges ids = new IdRanges();
        lock.lock();
        try {
            ready.forEach(m -> ids.add(m.firstId(), m.size()));
            suspects.forEach(m -> ids.add(m.firstId(), m.size()));
            delayed.forEach(m -> ids.add(m.firstId(), m.size()));
            ready.clear();
            suspects.clear();
            delayed.clear();
            readyCount = 0;
            delayedCount = 0;
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (!ids.isEmpty()) {
            store.delete(ids);
        }
        return ids.total();
    }

    /** Up to {@code limit} messages waiting in the queue (or its dead letters), oldest first. */
    public List<StoredMessage> peek(boolean dead, int limit) {
        if (dead) {
            return store.peek(QueueStore.deadQueue(settings.queue()), limit);
        }
        List<StoredMessage> list = new ArrayList<>();
        lock.lock();
        try {
            peekInto(suspects, list, limit); // they are dealt first
            peekInto(ready, list, limit);
        } finally {
            lock.unlock();
        }
        return list;
    }

    /** Adds messages of {@code runs} to {@code list} until it holds {@code limit}. Under the lock. */
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

    /** No more dispatching: used by a graceful stop so in-flight work can drain. */
    @Override
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
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", settings.queue());
            m.put("durability", settings.durability().name().toLowerCase(java.util.Locale.ROOT));
            m.put("depth", readyCount + suspects.size());
            m.put("delayed", delayedCount);
            m.put("in_flight", inFlight());
            m.put("dead", deadAtStart + deadLettered);
            m.put("pushed", pushed);
            m.put("acked", acked);
            long[] oldest = rateSamples.peekFirst();
            long[] newest = rateSamples.peekLast();
            double seconds = oldest == null || newest == oldest ? 0 : (newest[0] - oldest[0]) / 1000.0;
            m.put("pushed_per_s", seconds == 0 ? 0 : Math.round((newest[1] - oldest[1]) / seconds));
            m.put("acked_per_s", seconds == 0 ? 0 : Math.round((newest[2] - oldest[2]) / seconds));
            m.put("max_length", settings.maxLength());
            return m;
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        while (true) {
            Map<Outlet, List<Payloads.Run>> batches = new LinkedHashMap<>();
            lock.lock();
            try {
                while (!closed && !promoteDueMessages() && (intakeStopped || !canDeal())) {
                    MessageRun next = delayed.peek();
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
            String source = "queue:" + settings.queue();
            batches.forEach((outlet, runs) -> {
                try {
                    outlet.connection.send(FrameType.DELIVER_RUNS, encode(source, runs));
                } catch (IOException e) {
                    // The worker is dying; its exit detaches it and redelivers these messages.
                }
            });
        }
    }

    /**
     * Encodes a DELIVER_RUNS payload into the dispatcher thread's one direct buffer, so a frame
     * costs one copy of its bodies and no allocation. Dispatcher thread only.
     */
    private ByteBuffer encode(String source, List<Payloads.Run> runs) {
        int size = Payloads.DeliverRuns.encodedSize(source, runs);
        if (deliverBuffer == null || deliverBuffer.capacity() < size) {
            deliverBuffer = ByteBuffer.allocateDirect(Math.max(size, 256 << 10));
        }
        deliverBuffer.clear();
        Payloads.DeliverRuns.encodeTo(deliverBuffer, source, runs);
        return deliverBuffer.flip();
    }

    /**
     * Moves delayed messages whose time has come to the back of the ready queue. Returns true
     * when it moved any and a worker has credit, so the caller dispatches. Under the lock.
     */
    private boolean promoteDueMessages() {
        long now = System.currentTimeMillis();
        boolean moved = false;
        while (!delayed.isEmpty() && delayed.peek().deliverAtMs() <= now) {
            MessageRun due = delayed.poll();
            delayedCount -= due.size();
            addReady(due);
            moved = true;
        }
        return moved && !intakeStopped && canDeal();
    }

    /**
     * Whether {@link #fillBatches} would deal anything: a suspect needs a worker that holds nothing,
     * and while suspects wait no ready message is dealt. Under the lock.
     */
    private boolean canDeal() {
        int prefetch = settings.prefetch();
        for (Outlet o : outlets.values()) {
            if (!o.paused && (suspects.isEmpty() ? !ready.isEmpty() && o.inFlight < prefetch : o.inFlight == 0)) {
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
    private void fillBatches(Map<Outlet, List<Payloads.Run>> batches) {
        if (!suspects.isEmpty()) {
            dealSuspects(batches);
            return;
        }
        int prefetch = settings.prefetch();
        List<Outlet> open = new ArrayList<>();
        for (Outlet o : outlets.values()) {
            if (!o.paused && o.inFlight < prefetch) {
                open.add(o);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        int start = (int) (dealRound++ % open.size());
        long share = Math.max(1, (readyCount + open.size() - 1) / open.size());
        for (int k = 0; k < open.size() && !ready.isEmpty(); k++) {
            Outlet o = open.get((start + k) % open.size());
            int take = (int) Math.min(Math.min(share, MAX_BATCH), prefetch - o.inFlight);
            List<Payloads.Run> batch = new ArrayList<>(2);
            long bytes = 0;
            int taken = 0;
            while (taken < take && !ready.isEmpty()) {
                MessageRun head = ready.peekFirst();
                int n = fitting(head, Math.min(head.size(), take - taken), MAX_BATCH_BYTES - bytes);
                if (n == 0) {
                    if (taken > 0) {
                        break;
                    }
                    n = 1; // a message larger than a batch still goes, alone
                }
                ready.pollFirst();
                readyCount -= n;
                if (n < head.size()) {
                    ready.addFirst(head.slice(n, head.size()));
                }
                MessageRun sent = head.slice(0, n).nextAttempt();
                o.add(new Outlet.Flight(sent, flightSeq++));
                batch.add(new Payloads.Run(sent.firstId(), sent.attempt(), sent.bodies(), sent.from(), sent.to()));
                bytes += sent.bytes(0, n);
                taken += n;
            }
            if (!batch.isEmpty()) {
                batches.put(o, batch);
            }
        }
    }

    /** Gives one suspect to each worker that holds nothing, and nothing else until it is settled. Under the lock. */
    private void dealSuspects(Map<Outlet, List<Payloads.Run>> batches) {
        for (Outlet o : outlets.values()) {
            if (suspects.isEmpty()) {
                return;
            }
            if (!o.paused && o.inFlight == 0) {
                MessageRun sent = suspects.pollFirst().nextAttempt();
                o.add(new Outlet.Flight(sent, flightSeq++));
                o.holdsSuspect = true;
                batches.put(o, List.of(new Payloads.Run(sent.firstId(), sent.attempt(), sent.bodies(), sent.from(), sent.to())));
            }
        }
    }

    /** How many of the first {@code max} messages of {@code run} fit in {@code budget} bytes. */
    private static int fitting(MessageRun run, int max, long budget) {
        if (run.bytes(0, max) <= budget) {
            return max;
        }
        int lo = 0;
        int hi = max; // bytes(0, lo) fits, bytes(0, hi) does not
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (run.bytes(0, mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
