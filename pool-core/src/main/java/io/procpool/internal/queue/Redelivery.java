package io.procpool.internal.queue;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in queue's failure policy: what comes back, when, and what goes to the dead letters
 * ({@code <queue>.dead}, with its last error). A failed message waits its redelivery delay and comes
 * back until it has failed {@code max_deliveries} times; a dead worker's messages come back at once,
 * and a worker's death counts against a message only when that message surely ran (see
 * {@link #workerGone}). Every change is told to the store. Works on a {@link QueueState} its caller
 * has locked; not thread-safe.
 */
final class Redelivery {

    private static final Logger log = LoggerFactory.getLogger(Redelivery.class);

    private final QueueState q;
    private final QueueStore store;
    private final QueueCounters counters;

    Redelivery(QueueState q, QueueStore store, QueueCounters counters) {
        this.q = q;
        this.store = store;
        this.counters = counters;
    }

    /**
     * The worker of {@code o} is gone: its unacked messages go back to the head of the queue.
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
    void workerGone(Outlet o, String why, boolean messageFault, QueueLimits limits) {
        List<MessageRun> back = new ArrayList<>();
        List<MessageRun> suspected = new ArrayList<>();
        boolean lone = o.inFlight == 1;
        int index = 0; // position among the worker's unsettled messages, in the order they were sent
        for (Outlet.Flight f : o.flightsInSendOrder()) {
            MessageRun run = f.run();
            if (lone && messageFault) {
                MessageRun next = run.failed(0);
                if (next.failures() >= limits.maxDeliveries()) {
                    deadLetter(
                            next,
                            "its worker " + why + " while delivery " + run.attempt() + " of it was running",
                            limits);
                } else {
                    store.recordFailure(run.firstId(), next.failures(), "worker " + why, 0);
                    suspected.add(next);
                }
            } else if (messageFault || o.holdsSuspect) {
                for (int i = 0; i < run.size(); i++) {
                    suspected.add(run.slice(i, i + 1));
                }
            } else {
                int mayHaveRun = (int) Math.max(0, Math.min(run.size(), (long) limits.concurrency() - index));
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
            q.addReadyFirst(back.get(i));
        }
        for (int i = suspected.size() - 1; i >= 0; i--) {
            q.suspects.addFirst(suspected.get(i));
        }
        long requeued = back.stream().mapToLong(MessageRun::size).sum() + suspected.size();
        if (requeued > 0) {
            log.info(
                    "redelivering {} unacked message(s) of worker {} (slot {}){}",
                    requeued,
                    o.workerId,
                    o.slot,
                    suspected.size() > 1 ? ", one at a time: any of them may have killed it" : "");
        }
    }

    /** A delivery of the one-message run {@code m} failed: wait and deliver again, or dead-letter it at max_deliveries. */
    void failed(MessageRun m, String error, long nowMs, QueueLimits limits) {
        MessageRun failed = m.failed(0);
        if (failed.failures() >= limits.maxDeliveries()) {
            deadLetter(failed, error, limits);
            return;
        }
        long deliverAt = nowMs
                + limits.settings().redeliveryDelayAfter(failed.failures()).toMillis();
        q.addDelayed(m.failed(deliverAt));
        counters.redelivered++;
        store.recordFailure(m.firstId(), failed.failures(), error, deliverAt);
    }

    /** A message sent but never started comes back as if never sent: a suspect stays one. */
    void released(Outlet o, MessageRun run, List<MessageRun> back) {
        if (o.holdsSuspect) {
            q.suspects.addFirst(run.notDelivered());
        } else {
            back.add(run.notDelivered());
        }
    }

    private void deadLetter(MessageRun m, String error, QueueLimits limits) {
        counters.deadLettered++;
        counters.deadLetteredTotal++;
        String queue = limits.settings().queue();
        store.moveToDead(queue, new StoredMessage(m.firstId(), m.body(0), m.failures(), 0, error));
        log.warn(
                "message {} of queue {} was dead-lettered after {} failed deliveries: {}",
                m.firstId(),
                queue,
                m.failures(),
                error);
    }
}
