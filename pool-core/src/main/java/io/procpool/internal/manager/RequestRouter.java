package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.task.Redealable;
import io.procpool.internal.task.Redeals;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of a manager-run source (TCP in process mode, a task group) on workers: each request goes
 * to the least loaded READY worker with credit ({@code source.prefetch} unfinished requests at
 * most), in DELIVER batches that allow replies; replies and outcomes come back over IPC and go
 * to the request. A request whose worker dies is failed (the source answers it with an error)
 * rather than run again: it may have had effects and sent replies already; a task ({@link Redealable})
 * goes to another worker instead. A request a stopping worker had not started goes to another worker.
 *
 * <p>Threads: sources call {@link #submit} from their I/O threads; the "router" thread sends
 * batches; IPC readers call {@link #settle} and {@link #reply}; the supervisor attaches and
 * detaches workers. State is guarded by {@link #lock}; callbacks into requests and socket
 * writes happen outside it.
 */
final class RequestRouter implements WorkerFeed, RequestSink {

    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);
    private static final int MAX_BATCH = 256;

    /** One attached worker and the requests it has not finished. */
    private static final class RoutedWorker {
        final IpcConnection connection;
        /** In the order they were sent. */
        final Map<Long, Request> inFlight = new LinkedHashMap<>();

        boolean paused;
        /** It runs a suspect task alone: it gets nothing else until that is settled. */
        boolean holdsSuspect;

        RoutedWorker(IpcConnection connection) {
            this.connection = connection;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /**
     * Tasks of a worker that died on its own while it held several: any of them may have killed it, so
     * each runs alone on a worker holding nothing else, before anything else is dealt.
     */
    private final ArrayDeque<Request> suspects = new ArrayDeque<>();

    private final Map<Long, RoutedWorker> routed = new LinkedHashMap<>();
    /** {@code source.prefetch}: unfinished requests per worker at most; a reload may change it. */
    private volatile int prefetch;
    /** Run when a graceful stop begins: the source stops accepting. */
    private final Runnable onStopIntake;

    private final AtomicLong lost = new AtomicLong();
    private long nextTag = 1;
    private boolean intakeStopped;
    private boolean closed;

    RequestRouter(PoolConfig config, Runnable onStopIntake) {
        this.prefetch = prefetchOf(config);
        this.onStopIntake = onStopIntake;
    }

    /** {@code source.prefetch} of a manager-run source, as its definition read it. */
    private static int prefetchOf(PoolConfig config) {
        return config.source().prefetch();
    }

    @Override
    public void reconfigure(PoolConfig next) {
        lock.lock();
        try {
            prefetch = prefetchOf(next);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    void start() {
        Thread.ofPlatform().name("router").daemon().start(this::routeLoop);
    }

    @Override
    public void submit(Request request) {
        lock.lock();
        try {
            waiting.addLast(request);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void submitAll(List<? extends Request> requests) {
        lock.lock();
        try {
            waiting.addAll(requests);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void attach(long workerId, int slot, IpcConnection connection) {
        lock.lock();
        try {
            routed.put(workerId, new RoutedWorker(connection));
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pause(long workerId) {
        lock.lock();
        try {
            RoutedWorker o = routed.get(workerId);
            if (o != null) {
                o.paused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void detach(long workerId, String why, boolean messageFault) {
        List<Request> failed;
        boolean heldSuspect;
        lock.lock();
        try {
            RoutedWorker o = routed.remove(workerId);
            if (o == null) {
                return;
            }
            failed = new ArrayList<>(o.inFlight.values());
            heldSuspect = o.holdsSuspect;
            changed.signal();
        } finally {
            lock.unlock();
        }
        // A task runs again elsewhere (at least once); what else was in flight may have had effects.
        Redeals redeals = Redeals.of(failed, why, messageFault, heldSuspect);
        List<Request> again = redeals.again();
        List<Request> suspected = redeals.suspects();
        failed = redeals.others();
        if (!again.isEmpty() || !suspected.isEmpty()) {
            log.warn(
                    "{} task(s) in flight on worker {} go to other workers{}: it {}",
                    again.size() + suspected.size(),
                    workerId,
                    suspected.size() > 1 ? ", one at a time (any of them may have killed it)" : "",
                    why);
            lock.lock();
            try {
                for (int i = again.size() - 1; i >= 0; i--) {
                    waiting.addFirst(again.get(i));
                }
                for (int i = suspected.size() - 1; i >= 0; i--) {
                    suspects.addFirst(suspected.get(i));
                }
                changed.signal();
            } finally {
                lock.unlock();
            }
        }
        if (!failed.isEmpty()) {
            lost.addAndGet(failed.size());
            log.warn("{} request(s) in flight on worker {} get an error: it {}", failed.size(), workerId, why);
        }
        for (Request r : failed) {
            r.failed("worker " + why + " while handling this request");
        }
    }

    @Override
    public long settle(long workerId, List<Outcome> outcomes) {
        List<Runnable> calls = new ArrayList<>();
        long acked = 0;
        lock.lock();
        try {
            RoutedWorker o = routed.get(workerId);
            if (o == null) {
                return 0;
            }
            for (Outcome outcome : outcomes) {
                for (long tag = outcome.tag(); tag < outcome.tag() + outcome.count(); tag++) {
                    Request r = o.inFlight.remove(tag);
                    if (r == null) {
                        continue;
                    }
                    switch (outcome.result()) {
                        case ACKED -> {
                            acked++;
                            calls.add(r::done);
                        }
                        case FAILED -> calls.add(() -> r.failed(outcome.error()));
                        case RELEASED -> (o.holdsSuspect ? suspects : waiting).addFirst(r); // never started
                    }
                }
            }
            if (o.inFlight.isEmpty()) {
                o.holdsSuspect = false;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
        calls.forEach(Runnable::run);
        return acked;
    }

    @Override
    public void reply(long workerId, long tag, byte[] body) {
        Request r;
        lock.lock();
        try {
            RoutedWorker o = routed.get(workerId);
            r = o == null ? null : o.inFlight.get(tag);
        } finally {
            lock.unlock();
        }
        if (r != null) {
            r.reply(body);
        }
    }

    @Override
    public void stopIntake() {
        List<Request> tasks = new ArrayList<>();
        lock.lock();
        try {
            intakeStopped = true;
            // No stopping worker takes them, and their callers wait: they are told now, not at the close.
            tasks.addAll(suspects);
            suspects.clear();
            for (var it = waiting.iterator(); it.hasNext(); ) {
                Request r = it.next();
                if (r instanceof Redealable) {
                    it.remove();
                    tasks.add(r);
                }
            }
        } finally {
            lock.unlock();
        }
        onStopIntake.run();
        tasks.forEach(r -> r.failed("the task group stopped before a worker took this task"));
    }

    /**
     * Whether a READY worker is attached: a request waits for it, or for the replacement of one that is
     * being recycled or reloaded (paused), but not for a group with no worker up at all. Any thread.
     */
    boolean hasWorker() {
        lock.lock();
        try {
            return !routed.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        List<Request> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(suspects);
            left.addAll(waiting);
            suspects.clear();
            waiting.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
        left.forEach(r -> r.failed("the pool stopped before a worker took this request"));
    }

    /** Requests waiting for a worker and running, for {@code pool status}. */
    Map<String, Object> stats() {
        lock.lock();
        try {
            long running = 0;
            for (RoutedWorker o : routed.values()) {
                running += o.inFlight.size();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("waiting", waiting.size() + suspects.size());
            m.put("in_flight", running);
            m.put("failed_by_worker_death", lost.get());
            return m;
        } finally {
            lock.unlock();
        }
    }

    private void routeLoop() {
        while (true) {
            Map<RoutedWorker, List<Delivery>> batches = new LinkedHashMap<>();
            lock.lock();
            try {
                while (!closed && (intakeStopped || nothingToDeal())) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                RoutedWorker o;
                while (!suspects.isEmpty() && (o = idle()) != null) {
                    Request r = suspects.pollFirst();
                    long tag = nextTag++;
                    o.inFlight.put(tag, r);
                    o.holdsSuspect = true;
                    batches.computeIfAbsent(o, k -> new ArrayList<>())
                            .add(new Delivery(tag, r.id(), r.attempt(), r.source(), r.headers(), r.body()));
                }
                while (!waiting.isEmpty() && (o = leastLoaded()) != null) {
                    List<Delivery> batch = batches.computeIfAbsent(o, k -> new ArrayList<>());
                    if (batch.size() >= MAX_BATCH) {
                        break;
                    }
                    Request r = waiting.pollFirst();
                    long tag = nextTag++;
                    o.inFlight.put(tag, r);
                    batch.add(new Delivery(tag, r.id(), r.attempt(), r.source(), r.headers(), r.body()));
                }
            } finally {
                lock.unlock();
            }
            batches.forEach((outlet, deliveries) -> {
                try {
                    outlet.connection.send(FrameType.DELIVER, new Deliveries.Deliver(deliveries, true).encode());
                } catch (IOException e) {
                    // the worker is dying: its exit detaches it and fails these requests
                }
            });
        }
    }

    /** Whether nothing can be dealt now: no request for a worker with credit, no suspect for an idle one. Under the lock. */
    private boolean nothingToDeal() {
        return (waiting.isEmpty() || leastLoaded() == null) && (suspects.isEmpty() || idle() == null);
    }

    /** An attached, unpaused worker holding nothing, for a suspect; or null. Under the lock. */
    private RoutedWorker idle() {
        for (RoutedWorker o : routed.values()) {
            if (!o.paused && o.inFlight.isEmpty()) {
                return o;
            }
        }
        return null;
    }

    /** The attached, unpaused worker with the fewest unfinished requests under prefetch, or null. Under the lock. */
    private RoutedWorker leastLoaded() {
        RoutedWorker best = null;
        for (RoutedWorker o : routed.values()) {
            if (!o.paused
                    && !o.holdsSuspect
                    && o.inFlight.size() < prefetch
                    && (best == null || o.inFlight.size() < best.inFlight.size())) {
                best = o;
            }
        }
        return best;
    }
}
