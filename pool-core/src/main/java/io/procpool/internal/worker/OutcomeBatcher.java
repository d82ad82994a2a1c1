package io.procpool.internal.worker;

import io.procpool.internal.ipc.HandlingTimes;
import io.procpool.internal.ipc.Outcomes.Outcome;
import io.procpool.internal.ipc.Outcomes.Reply;
import io.procpool.internal.ipc.Outcomes.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Batches what a worker tells its manager about deliveries: consecutive acks grow one range, failures
 * and releases are outcomes of their own, and replies always leave before the outcomes batched with
 * them. A batch is sent after {@code ackBatch} deliveries, or at once when no received delivery waits to
 * start: batching saves syscalls under load and never adds latency to a lone message.
 *
 * <p>Threads: delivery threads add; the heartbeat and delivery threads flush. State is guarded by
 * {@code pending}; {@code flushLock} keeps batches leaving in the order they were taken.
 */
final class OutcomeBatcher {

    /** Sends a batch of outcomes to the manager, after the replies that came before them. */
    interface Sink {
        void send(List<Reply> replies, List<Outcome> outcomes, HandlingTimes times);
    }

    private final int ackBatch;
    private final Sink sink;
    /** Deliveries received and not yet started or released: while there are some, batches wait to fill. */
    private final IntSupplier unstarted;

    private final List<Outcome> pending = new ArrayList<>();
    /** Replies not yet sent; guarded by {@code pending}. */
    private final List<Reply> pendingReplies = new ArrayList<>();

    private final Object flushLock = new Object();
    /** Deliveries the outcomes in {@link #pending} and the open ack range cover; guarded by {@code pending}. */
    private int pendingCount;
    /** The open range of consecutive acks, not yet in {@link #pending}; guarded by {@code pending}. */
    private long ackFrom;

    private int ackCount;
    /** How long the acked deliveries of the batch took; guarded by {@code pending}. */
    private HandlingTimes times = new HandlingTimes();

    OutcomeBatcher(int ackBatch, Sink sink, IntSupplier unstarted) {
        this.ackBatch = ackBatch;
        this.sink = sink;
        this.unstarted = unstarted;
    }

    /** Records an ack of a delivery handled in {@code nanos}; consecutive acks grow one range instead of one outcome each. */
    void ack(long tag, long nanos) {
        boolean flushNow;
        synchronized (pending) {
            times.record(nanos);
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
            flush();
        }
    }

    /** Records a failure or a release. */
    void outcome(Outcome o) {
        boolean flushNow;
        synchronized (pending) {
            closeAckRange();
            pending.add(o);
            flushNow = flushDue();
        }
        if (flushNow) {
            flush();
        }
    }

    /** A consumer's reply to delivery {@code tag}: sent at once when nothing else waits to start, else with the next batch. */
    void reply(long tag, byte[] body) {
        boolean flushNow;
        synchronized (pending) {
            pendingReplies.add(new Reply(tag, body.clone()));
            flushNow = unstarted.getAsInt() == 0 || pendingReplies.size() >= ackBatch;
        }
        if (flushNow) {
            flush();
        }
    }

    /** Under {@code pending}'s lock. */
    private boolean flushDue() {
        return ++pendingCount >= ackBatch || unstarted.getAsInt() == 0;
    }

    /** Moves the open ack range into {@link #pending}. Under {@code pending}'s lock. */
    private void closeAckRange() {
        if (ackCount > 0) {
            pending.add(new Outcome(ackFrom, ackCount, Result.ACKED, null));
            ackCount = 0;
        }
    }

    /** Sends every reply and outcome not yet sent. Any thread. */
    void flush() {
        synchronized (flushLock) {
            List<Outcome> batch;
            List<Reply> replies;
            HandlingTimes batchTimes;
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
                batchTimes = times;
                times = new HandlingTimes();
            }
            sink.send(replies, batch, batchTimes);
        }
    }
}
