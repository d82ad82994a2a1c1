package io.procpool.internal.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The built-in queue's working set in memory: the ready messages, the suspects (messages a worker
 * held when it died of its own), the delayed ones, and every attached worker's unacked flights.
 * Messages travel as {@link MessageRun}s, so a pushed batch stays one object until it is cut.
 * Not thread-safe: touched only under the {@link QueueEngine}'s lock.
 */
final class QueueState {

    final Deque<MessageRun> ready = new ArrayDeque<>();
    long readyCount;
    /**
     * One-message runs that a worker held when it died of its own: any of them may have killed it.
     * Each goes alone to a worker holding nothing else, and before any ready message, so that the
     * one that kills its worker again is known and counted (and the others are not).
     */
    final Deque<MessageRun> suspects = new ArrayDeque<>();

    final PriorityQueue<MessageRun> delayed = new PriorityQueue<>(
            Comparator.comparingLong(MessageRun::deliverAtMs).thenComparingLong(MessageRun::firstId));
    long delayedCount;
    final Map<Long, Outlet> outlets = new LinkedHashMap<>();
    /** Order of dispatch, kept by each flight and its pieces. */
    long flightSeq;

    void addReady(MessageRun run) {
        ready.addLast(run);
        readyCount += run.size();
    }

    void addReadyFirst(MessageRun run) {
        ready.addFirst(run);
        readyCount += run.size();
    }

    void addDelayed(MessageRun run) {
        delayed.add(run);
        delayedCount += run.size();
    }

    /** Moves the delayed messages due at {@code nowMs} to the back of the ready ones; true when any moved. */
    boolean promoteDue(long nowMs) {
        boolean moved = false;
        while (!delayed.isEmpty() && delayed.peek().deliverAtMs() <= nowMs) {
            MessageRun due = delayed.poll();
            delayedCount -= due.size();
            addReady(due);
            moved = true;
        }
        return moved;
    }

    /** Ready messages, suspects included: what {@code depth} shows. */
    long waiting() {
        return readyCount + suspects.size();
    }

    long inFlight() {
        long n = 0;
        for (Outlet o : outlets.values()) {
            n += o.inFlight;
        }
        return n;
    }

    /** Every live message: waiting, delayed and in flight. */
    long live() {
        return waiting() + delayedCount + inFlight();
    }

    /** Stored messages as runs: consecutive ids with the same failures and time share one. */
    static List<MessageRun> runsOf(List<StoredMessage> stored) {
        List<MessageRun> runs = new ArrayList<>();
        int i = 0;
        while (i < stored.size()) {
            StoredMessage first = stored.get(i);
            int j = i + 1;
            while (j < stored.size()
                    && stored.get(j).id() == first.id() + (j - i)
                    && stored.get(j).failures() == first.failures()
                    && stored.get(j).deliverAtMs() == first.deliverAtMs()) {
                j++;
            }
            List<byte[]> bodies = new ArrayList<>(j - i);
            for (int k = i; k < j; k++) {
                bodies.add(stored.get(k).body());
            }
            runs.add(new MessageRun(
                    first.id(), Bodies.of(bodies), 0, j - i, first.failures(), first.failures(), first.deliverAtMs()));
            i = j;
        }
        return runs;
    }
}
