package io.procpool.internal.manager;

import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.ipc.Payloads.Delivery;
import io.procpool.internal.ipc.Payloads.Outcome;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds manager-side messages to READY workers and settles their outcomes. Owns the message
 * store (in memory until the durable built-in queue lands), each worker's credit window
 * ({@code prefetch} unacked messages at most) and each worker's in-flight messages.
 *
 * <p>At-least-once: a message leaves the store only when its worker acks it; the in-flight
 * messages of a worker that dies are put back at the head of the queue with their attempt
 * raised; a failed message is put back until {@code max_deliveries}, then dead-lettered.
 *
 * <p>Threads: the "dispatcher" thread sends DELIVER batches; IPC reader threads call
 * {@link #settle}; the supervisor thread calls {@link #attach}, {@link #pause},
 * {@link #detach}; control threads call {@link #push}. All state is guarded by {@link #lock}.
 */
public final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Messages per DELIVER frame at most: large enough to amortize a syscall, small enough to spread load. */
    private static final int MAX_BATCH = 256;

    /** A message in the store. */
    private record Stored(long seq, byte[] body, int attempt, String lastError) {}

    /** What the dispatcher knows of one attached worker. */
    private static final class Outlet {
        final long workerId;
        final int slot;
        final IpcConnection connection;
        final Map<Long, Stored> inFlight = new LinkedHashMap<>();
        boolean paused;

        Outlet(long workerId, int slot, IpcConnection connection) {
            this.workerId = workerId;
            this.slot = slot;
            this.connection = connection;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final String queueName;
    private final Deque<Stored> ready = new ArrayDeque<>();
    private final List<Stored> dead = new ArrayList<>();
    private final Map<Long, Outlet> outlets = new LinkedHashMap<>();
    private volatile int prefetch;
    private volatile int maxDeliveries;
    private long nextSeq = 1;
    private long dealRound;
    private long acked;
    private long sendsDropped;
    private boolean intakeStopped;
    private boolean closed;
    private Thread thread;

    public Dispatcher(String queueName, int prefetch, int maxDeliveries) {
        this.queueName = queueName;
        this.prefetch = prefetch;
        this.maxDeliveries = maxDeliveries;
    }

    public void start() {
        thread = Thread.ofPlatform().name("dispatcher").daemon().start(this::dispatchLoop);
    }

    /** Applies reloadable settings. */
    public void configure(int prefetch, int maxDeliveries) {
        this.prefetch = prefetch;
        this.maxDeliveries = maxDeliveries;
        signal();
    }

    /**
     * Adds messages to the back of {@code queue}; returns their ids.
     *
     * @throws IllegalArgumentException for a queue this pool does not serve
     */
    public List<String> push(String queue, List<byte[]> bodies) {
        if (!queueName.equals(queue)) {
            throw new IllegalArgumentException("this pool serves queue \"" + queueName + "\", not \"" + queue
                    + "\" (named queues come with the durable built-in queue)");
        }
        List<String> ids = new ArrayList<>(bodies.size());
        lock.lock();
        try {
            for (byte[] body : bodies) {
                long seq = nextSeq++;
                ready.addLast(new Stored(seq, body, 0, null));
                ids.add(Long.toString(seq));
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
        return ids;
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

    /** The worker is gone: its unacked messages go back to the head of the queue. */
    public void detach(long workerId) {
        lock.lock();
        try {
            Outlet o = outlets.remove(workerId);
            if (o == null) {
                return;
            }
            List<Stored> back = new ArrayList<>(o.inFlight.values());
            for (int i = back.size() - 1; i >= 0; i--) {
                Stored s = back.get(i);
                ready.addFirst(s);
            }
            if (!back.isEmpty()) {
                log.info("redelivering {} unacked message(s) of worker {} (slot {})", back.size(), workerId, o.slot);
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Settles outcomes from one worker's ACK frame. */
    public void settle(long workerId, List<Outcome> outcomes) {
        lock.lock();
        try {
            Outlet o = outlets.get(workerId);
            if (o == null) {
                return;
            }
            for (Outcome outcome : outcomes) {
                Stored s = o.inFlight.remove(outcome.tag());
                if (s == null) {
                    continue;
                }
                if (outcome.result() == Payloads.Result.ACKED) {
                    acked++;
                } else if (outcome.result() == Payloads.Result.RELEASED) {
                    // never started: back to the head, and the attempt it was sent as does not count
                    ready.addFirst(new Stored(s.seq(), s.body(), s.attempt() - 1, s.lastError()));
                } else if (s.attempt() >= maxDeliveries) {
                    dead.add(new Stored(s.seq(), s.body(), s.attempt(), outcome.error()));
                    log.warn("message {} failed {} time(s) and was dead-lettered: {}", s.seq(), s.attempt(), outcome.error());
                } else {
                    ready.addLast(new Stored(s.seq(), s.body(), s.attempt(), outcome.error()));
                }
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
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
        } finally {
            lock.unlock();
        }
    }

    /** Counters for {@code pool status}. */
    public Map<String, Object> stats() {
        lock.lock();
        try {
            int inFlight = outlets.values().stream().mapToInt(o -> o.inFlight.size()).sum();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", queueName);
            m.put("depth", ready.size());
            m.put("in_flight", inFlight);
            m.put("acked", acked);
            m.put("dead", dead.size());
            m.put("sends_dropped", sendsDropped);
            return m;
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        while (true) {
            Map<Outlet, List<Delivery>> batches = new LinkedHashMap<>();
            lock.lock();
            try {
                while (!closed && (intakeStopped || ready.isEmpty() || !anyCredit())) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                fillBatches(batches);
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

    private boolean anyCredit() {
        for (Outlet o : outlets.values()) {
            if (!o.paused && o.inFlight.size() < prefetch) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deals ready messages one at a time to the workers with credit, starting after the worker
     * that was dealt first last time, so that a trickle of messages spreads over the pool and a
     * flood fills every window. Under the lock.
     */
    private void fillBatches(Map<Outlet, List<Delivery>> batches) {
        List<Outlet> open = new ArrayList<>(outlets.values());
        if (open.isEmpty()) {
            return;
        }
        int start = (int) (dealRound++ % open.size());
        boolean progress = true;
        while (progress && !ready.isEmpty()) {
            progress = false;
            for (int k = 0; k < open.size() && !ready.isEmpty(); k++) {
                Outlet o = open.get((start + k) % open.size());
                List<Delivery> batch = batches.computeIfAbsent(o, x -> new ArrayList<>());
                if (o.paused || o.inFlight.size() >= prefetch || batch.size() >= MAX_BATCH) {
                    continue;
                }
                Stored s = ready.pollFirst();
                Stored sent = new Stored(s.seq(), s.body(), s.attempt() + 1, s.lastError());
                o.inFlight.put(s.seq(), sent);
                batch.add(new Delivery(s.seq(), Long.toString(s.seq()), sent.attempt(), "queue:" + queueName,
                        Map.of(), sent.body()));
                progress = true;
            }
        }
        batches.values().removeIf(List::isEmpty);
    }
}
