package io.procpool.internal.worker;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.ipc.Payloads.Delivery;
import io.procpool.internal.ipc.Payloads.Outcome;
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
 * for each delivery with the configured concurrency, records the outcome, coalesces outcomes
 * into ACK batches, counts processed / failed, and asks for a recycle at {@code max_requests}.
 *
 * <p>Threads: the IPC reader thread calls {@link #offer} with whole frames; one intake thread
 * ("delivery") takes them in order and runs their deliveries inline ({@code concurrency: 1}) or
 * on virtual threads ({@code concurrency: K}, at most K at once); the heartbeat thread reads the
 * counters and calls {@link #flushOutcomes}. Per message the hot path allocates only the message.
 */
final class DeliveryRunner {

    /** Sends a batch of outcomes to the manager, after the replies that came before them. */
    interface OutcomeSink {
        void send(List<Payloads.Reply> replies, List<Outcome> outcomes);
    }

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

    /** Outcomes wait at most for this many deliveries before they are sent, so acks stay batched. */
    private static final int MAX_ACK_BATCH = 512;
    /** Deliveries with this tag came from another worker ({@code ctx.send}) and take no ack. */
    static final long NO_ACK = -1;

    private final Consumer consumer;
    private final MessageRetry retry;
    private final WorkerContext ctx;
    private final int concurrency;
    private final long maxRequests;
    private final int ackBatch;
    private final OutcomeSink sink;
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
    private final AtomicBoolean recycleAsked = new AtomicBoolean();
    /** Deliveries received and not yet finished (queued or running). */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final List<Outcome> pending = new ArrayList<>();
    /** Replies not yet sent; guarded by {@code pending}. They always leave before the outcomes batched with them. */
    private final List<Payloads.Reply> pendingReplies = new ArrayList<>();
    /** Held from taking a batch of outcomes to sending it, so that batches leave in the order they were taken. */
    private final Object flushLock = new Object();
    /** Deliveries the outcomes in {@link #pending} and the open ack range cover; guarded by {@code pending}. */
    private int pendingCount;
    /** The open range of consecutive acks, not yet in {@link #pending}; guarded by {@code pending}. */
    private long ackFrom;
    private int ackCount;
    private volatile boolean closed;
    /** Set when the worker stops or recycles: deliveries not yet started go back to the manager. */
    private volatile boolean releasing;
    private Thread intake;

    DeliveryRunner(Consumer consumer, WorkerContext ctx, int concurrency, long maxRequests, int ackBatch, MessageRetry retry,
                   OutcomeSink sink, Runnable onMaxRequests) {
        this.ackBatch = ackBatch;
        this.retry = retry;
        this.consumer = consumer;
        this.ctx = ctx;
        this.concurrency = concurrency;
        this.maxRequests = maxRequests;
        this.sink = sink;
        this.onMaxRequests = onMaxRequests;
        this.permits = new Semaphore(concurrency);
    }

    /**
     * Acks go back after a quarter of the credit window ({@code prefetch}) at most: the manager
     * refills the window while the rest runs, and a worker that dies loses little finished work.
     */
    static int ackBatchFor(int prefetch) {
        return Math.max(1, Math.min(MAX_ACK_BATCH, prefetch / 4));
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
                    Request local = batch.locals() == null ? null : batch.locals().get(i);
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
        java.util.function.Consumer<byte[]> replyTo = local != null ? local::reply
                : replies ? body -> addReply(d.tag(), body) : null;
        boolean[] replied = {false};
        Message m = new IncomingMessage(d, replyTo == null ? null : body -> {
            replied[0] = true;
            replyTo.accept(body);
        });
        int[] tries = {0};
        try {
            retry.run(() -> {
                if (tries[0]++ > 0) {
                    ctx.logger().info("message {} (delivery {}): try {} of {}", IncomingMessage.idOf(d), d.attempt(), tries[0],
                            retry.maxAttempts());
                }
                try {
                    consumer.onMessage(m, ctx);
                } catch (Exception e) {
                    throw replied[0] ? new MessageRetry.AfterReply(e) : e;
                }
            });
            processed.incrementAndGet();
        } catch (MessageRetry.AfterReply e) {
            failed.incrementAndGet();
            error = describe(e.getCause());
            ctx.logger().warn("message {} (delivery {}) failed after it replied, so it is not tried again: {}",
                    IncomingMessage.idOf(d), d.attempt(), error);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                // Out of memory or worse: this JVM cannot be trusted. Die now; the manager starts a
                // fresh worker and redelivers, and a message that keeps doing this is dead-lettered.
                System.err.println("worker: " + e + " in message " + IncomingMessage.idOf(d) + "; exiting");
                Runtime.getRuntime().halt(io.procpool.internal.ExitCode.FAILED);
            }
            failed.incrementAndGet();
            error = describe(e);
            ctx.logger().warn("message {} (delivery {}) failed after {} tr{}: {}", IncomingMessage.idOf(d), d.attempt(), tries[0],
                    tries[0] == 1 ? "y" : "ies", error);
        } finally {
            markStarted(key, 0);
        }
        if (local != null) {
            if (error == null) {
                local.done();
            } else {
                local.failed(error, tries[0]);
            }
        } else if (d.tag() != NO_ACK) {
            if (error == null) {
                addAck(d.tag());
            } else {
                addOutcome(Outcome.failed(d.tag(), error));
            }
        }
        outstanding.decrementAndGet();
        if (maxRequests > 0 && processed.get() + failed.get() >= maxRequests && recycleAsked.compareAndSet(false, true)) {
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
            addOutcome(Outcome.released(d.tag()));
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

    /** Records an ack; consecutive acks grow one range instead of one outcome each. */
    private void addAck(long tag) {
        boolean flushNow;
        synchronized (pending) {
            if (ackCount > 0 && tag == ackFrom + ackCount) {
                ackCount++;
            } else {
                closeAckRange();
                ackFrom = tag;
                ackCount = 1;
            }
            flushNow = flushDue();
        }
        if (flushNow) {
            flushOutcomes();
        }
    }

    private void addOutcome(Outcome o) {
        boolean flushNow;
        synchronized (pending) {
            closeAckRange();
            pending.add(o);
            flushNow = flushDue();
        }
        if (flushNow) {
            flushOutcomes();
        }
    }

    /**
     * Send at once when no received delivery waits to start: batching must not add latency to a
     * lone message, only save syscalls under load. Under {@code pending}'s lock.
     */
    private boolean flushDue() {
        return ++pendingCount >= ackBatch || unstarted.get() == 0;
    }

    /** Moves the open ack range into {@link #pending}. Under {@code pending}'s lock. */
    private void closeAckRange() {
        if (ackCount > 0) {
            pending.add(new Outcome(ackFrom, ackCount, Payloads.Result.ACKED, null));
            ackCount = 0;
        }
    }

    /**
     * A consumer's reply to delivery {@code tag}: sent at once when nothing else waits to start
     * (no latency added to a lone request), else with the next batch of acks, always before them.
     */
    private void addReply(long tag, byte[] body) {
        boolean flushNow;
        synchronized (pending) {
            pendingReplies.add(new Payloads.Reply(tag, body.clone()));
            flushNow = unstarted.get() == 0 || pendingReplies.size() >= ackBatch;
        }
        if (flushNow) {
            flushOutcomes();
        }
    }

    /** Sends every reply and outcome not yet sent. Any thread. */
    void flushOutcomes() {
        synchronized (flushLock) {
            List<Outcome> batch;
            List<Payloads.Reply> replies;
            synchronized (pending) {
                closeAckRange();
                if (pending.isEmpty() && pendingReplies.isEmpty()) {
                    return;
                }
                batch = List.copyOf(pending);
                replies = List.copyOf(pendingReplies);
                pending.clear();
                pendingReplies.clear();
                pendingCount = 0;
            }
            sink.send(replies, batch);
        }
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
