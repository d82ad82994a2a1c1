package io.procpool.internal.worker;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.HandlingTimes;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.spi.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one delivery path inside a worker, whatever the source: runs {@link Consumer#onMessage}
 * for each delivery with the configured concurrency, records the outcome (batched into ACKs by
 * an {@link OutcomeBatcher}), counts processed / failed, and asks for a recycle at {@code max_requests}.
 *
 * <p>Threads: the IPC reader thread calls {@link #offer} with whole frames; one intake thread
 * ("delivery") takes them in order and runs their deliveries inline ({@code concurrency: 1}) or
 * on virtual threads ({@code concurrency: K}, at most K at once); the heartbeat thread reads the
 * counters and calls {@link #flushOutcomes}. Per message the hot path allocates only the message.
 */
final class DeliveryRunner {

    /**
     * Deliveries that arrived together and where their results go: over IPC (with replies when
     * {@code replies}), or requests of a source this worker runs itself ({@code locals}, with their
     * results going to each request; {@code deliveries} is then null: the delivery thread makes them,
     * so that the source's thread only queues).
     */
    private record Batch(List<Delivery> deliveries, boolean replies, List<? extends Request> locals) {
        int size() {
            return locals != null ? locals.size() : deliveries.size();
        }
    }

    /** Deliveries with this tag came from another worker ({@code ctx.send}) and take no ack. */
    static final long NO_ACK = -1;

    private final Consumer consumer;
    private final MessageRetry retry;
    private final WorkerContext ctx;
    private final int concurrency;
    private final long maxRequests;
    private final OutcomeBatcher outcomes;
    private final Runnable onMaxRequests;
    /** Frames as they arrived: one queue operation per batch, not per message. */
    private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();

    private final Semaphore permits;
    /** Start times of running messages when several run at once ({@code concurrency > 1}). */
    private final Map<Long, Long> startedAtMs = new ConcurrentHashMap<>();
    /** Start time of the running message with {@code concurrency: 1}; 0 when none runs. */
    private volatile long soleStartedAtMs;
    /** Deliveries received and not yet started or released: while there are some, acks wait to be batched. */
    private final AtomicInteger unstarted = new AtomicInteger();

    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong localIds = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Handling times of processed deliveries no ACK reports (this worker's own source), since it started; guarded by itself. */
    private final HandlingTimes ownTimes = new HandlingTimes();

    private final AtomicBoolean recycleAsked = new AtomicBoolean();
    /** Deliveries received and not yet finished (queued or running). */
    private final AtomicInteger outstanding = new AtomicInteger();

    private volatile boolean closed;
    /** Set when the worker stops or recycles: deliveries not yet started go back to the manager. */
    private volatile boolean releasing;

    private Thread intake;

    DeliveryRunner(
            Consumer consumer,
            WorkerContext ctx,
            int concurrency,
            long maxRequests,
            int ackBatch,
            MessageRetry retry,
            OutcomeBatcher.Sink sink,
            Runnable onMaxRequests) {
        this.retry = retry;
        this.consumer = consumer;
        this.ctx = ctx;
        this.concurrency = concurrency;
        this.maxRequests = maxRequests;
        this.outcomes = new OutcomeBatcher(ackBatch, sink, unstarted::get);
        this.onMaxRequests = onMaxRequests;
        this.permits = new Semaphore(concurrency);
    }

    void start() {
        intake = Thread.ofPlatform().name("delivery").daemon().start(this::takeLoop);
    }

    void offer(List<Delivery> deliveries) {
        offer(deliveries, false);
    }

    /** Deliveries from the manager; {@code replies}: their consumer may reply. IPC reader thread. */
    void offer(List<Delivery> deliveries, boolean replies) {
        outstanding.addAndGet(deliveries.size());
        unstarted.addAndGet(deliveries.size());
        queue.add(new Batch(deliveries, replies, null));
    }

    /** A request of a source this worker runs itself (TCP base mode); its results go to the request. Any thread. */
    void offerLocal(Request request) {
        offerLocal(List.of(request));
    }

    /**
     * Requests a source of this worker fetched together (a poll, a stream read): one queue operation
     * and at most one wake-up of the delivery thread for all of them. Any thread.
     */
    void offerLocal(List<? extends Request> requests) {
        if (requests.isEmpty()) {
            return;
        }
        outstanding.addAndGet(requests.size());
        unstarted.addAndGet(requests.size());
        queue.add(new Batch(null, true, requests));
    }

    /** The delivery of a request of this worker's own source. Delivery thread. */
    private Delivery deliveryOf(Request request) {
        String id = request.id() != null ? request.id() : "local-" + localIds.incrementAndGet();
        return new Delivery(NO_ACK, id, request.attempt(), request.source(), request.headers(), request.body());
    }

    private void takeLoop() {
        try {
            while (!closed) {
                Batch batch = queue.poll(100, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    flushOutcomes();
                    continue;
                }
                int size = batch.size();
                for (int i = 0; i < size; i++) {
                    Request local =
                            batch.locals() == null ? null : batch.locals().get(i);
                    Delivery d = local == null ? batch.deliveries().get(i) : deliveryOf(local);
                    if (releasing && local == null) {
                        release(d);
                    } else if (concurrency == 1) {
                        unstarted.decrementAndGet();
                        runOne(d, batch.replies(), local);
                    } else {
                        permits.acquire();
                        unstarted.decrementAndGet();
                        Thread.ofVirtual().name("message-" + d.tag()).start(() -> {
                            try {
                                runOne(d, batch.replies(), local);
                            } finally {
                                permits.release();
                            }
                        });
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOne(Delivery d, boolean replies, Request local) {
        long key = d.tag() == NO_ACK ? -System.nanoTime() : d.tag();
        markStarted(key, System.currentTimeMillis());
        String error = null;
        java.util.function.Consumer<byte[]> replyTo =
                local != null ? local::reply : replies ? body -> outcomes.reply(d.tag(), body) : null;
        boolean[] replied = {false};
        Message m = new IncomingMessage(
                d,
                replyTo == null
                        ? null
                        : body -> {
                            replied[0] = true;
                            replyTo.accept(body);
                        });
        int[] tries = {0};
        long startNanos = System.nanoTime();
        long tookNanos = 0;
        try {
            retry.run(() -> {
                if (tries[0]++ > 0) {
                    ctx.logger()
                            .info(
                                    "message {} (delivery {}): try {} of {}",
                                    IncomingMessage.idOf(d),
                                    d.attempt(),
                                    tries[0],
                                    retry.maxTries());
                }
                try {
                    consumer.onMessage(m, ctx);
                } catch (Exception e) {
                    throw replied[0] ? new MessageRetry.AfterReply(e) : e;
                }
            });
            tookNanos = System.nanoTime() - startNanos;
            processed.incrementAndGet();
        } catch (MessageRetry.AfterReply e) {
            failed.incrementAndGet();
            error = describe(e.getCause());
            ctx.logger()
                    .warn(
                            "message {} (delivery {}) failed after it replied, so it is not tried again: {}",
                            IncomingMessage.idOf(d),
                            d.attempt(),
                            error);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                // Out of memory or worse: this JVM cannot be trusted. Die now; the manager starts a
                // fresh worker and redelivers, and a message that keeps doing this is dead-lettered.
                System.err.println("worker: " + e + " in message " + IncomingMessage.idOf(d) + "; exiting");
                Runtime.getRuntime().halt(io.procpool.internal.ExitCode.FAILED);
            }
            failed.incrementAndGet();
            error = describe(e);
            ctx.logger()
                    .warn(
                            "message {} (delivery {}) failed after {} tr{}: {}",
                            IncomingMessage.idOf(d),
                            d.attempt(),
                            tries[0],
                            tries[0] == 1 ? "y" : "ies",
                            error);
        } finally {
            markStarted(key, 0);
        }
        if (error == null && (local != null || d.tag() == NO_ACK)) {
            synchronized (ownTimes) {
                ownTimes.record(tookNanos);
            }
        }
        if (local != null) {
            if (error == null) {
                local.done();
            } else {
                local.failed(error, tries[0]);
            }
        } else if (d.tag() != NO_ACK) {
            if (error == null) {
                outcomes.ack(d.tag(), tookNanos);
            } else {
                outcomes.outcome(Outcome.failed(d.tag(), error));
            }
        }
        outstanding.decrementAndGet();
        if (maxRequests > 0
                && processed.get() + failed.get() >= maxRequests
                && recycleAsked.compareAndSet(false, true)) {
            releaseUnstarted();
            onMaxRequests.run();
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Records that the message of {@code key} started at {@code atMs}, or (0) ended. */
    private void markStarted(long key, long atMs) {
        if (concurrency == 1) {
            soleStartedAtMs = atMs;
        } else if (atMs != 0) {
            startedAtMs.put(key, atMs);
        } else {
            startedAtMs.remove(key);
        }
    }

    /** Hands back a delivery that was never started (a worker-to-worker message is dropped). */
    private void release(Delivery d) {
        unstarted.decrementAndGet();
        if (d.tag() != NO_ACK) {
            outcomes.outcome(Outcome.released(d.tag()));
        }
        outstanding.decrementAndGet();
    }

    /**
     * From now on deliveries that have not started go back to the manager instead of running:
     * a stopping or recycling worker finishes only what it is already doing, and its queued
     * messages reach another worker at once instead of waiting behind it.
     */
    void releaseUnstarted() {
        releasing = true;
        List<Batch> left = new ArrayList<>();
        queue.drainTo(left);
        for (Batch batch : left) {
            if (batch.locals() != null) {
                queue.add(batch); // a request of this worker's own source has nowhere else to go: it still runs
            } else {
                batch.deliveries().forEach(this::release);
            }
        }
        flushOutcomes();
    }

    /** Sends every reply and outcome not yet sent. Any thread. */
    void flushOutcomes() {
        outcomes.flush();
    }

    /** Waits until every delivery received so far has run and its outcome was sent. */
    void awaitIdle() throws InterruptedException {
        while (outstanding.get() > 0) {
            Thread.sleep(5);
        }
        flushOutcomes();
    }

    void close() {
        closed = true;
        if (intake != null) {
            intake.interrupt();
        }
    }

    /** A copy of the running total of handling times no ACK reports. */
    HandlingTimes ownTimes() {
        synchronized (ownTimes) {
            return ownTimes.copy();
        }
    }

    long processed() {
        return processed.get();
    }

    long failed() {
        return failed.get();
    }

    int inFlight() {
        return concurrency == 1 ? (soleStartedAtMs != 0 ? 1 : 0) : startedAtMs.size();
    }

    /** Epoch millis at which the oldest running message started; 0 when none runs. */
    long busySinceEpochMs() {
        if (concurrency == 1) {
            return soleStartedAtMs;
        }
        long oldest = 0;
        for (long t : startedAtMs.values()) {
            if (oldest == 0 || t < oldest) {
                oldest = t;
            }
        }
        return oldest;
    }
}
