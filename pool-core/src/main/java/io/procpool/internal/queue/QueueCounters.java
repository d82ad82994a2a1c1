package io.procpool.internal.queue;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The built-in queue's counters for status: pushed, acked and dead-lettered messages, and the push
 * and ack rates over the last 10 s from a sample taken about once a second. Not thread-safe: touched
 * under the {@link QueueEngine}'s lock.
 */
final class QueueCounters {

    private static final long RATE_WINDOW_MS = 10_000;

    long pushed;
    long acked;
    long deadLettered;
    /** Since the manager started, whatever was purged: counters for metrics, never lowered. */
    long deadLetteredTotal;

    long redelivered;
    /** Dead letters the store held at start (and after a requeue, none). */
    long deadAtStart;
    /** (time ms, pushed, acked) once a second over the last 10 s. */
    private final Deque<long[]> samples = new ArrayDeque<>();

    long dead() {
        return deadAtStart + deadLettered;
    }

    void sample(long nowMs) {
        samples.addLast(new long[] {nowMs, pushed, acked});
        while (samples.size() > 2 && samples.peekFirst()[0] < nowMs - RATE_WINDOW_MS) {
            samples.pollFirst();
        }
    }

    long pushedPerSecond() {
        return rate(1);
    }

    long ackedPerSecond() {
        return rate(2);
    }

    private long rate(int column) {
        long[] oldest = samples.peekFirst();
        long[] newest = samples.peekLast();
        double seconds = oldest == null || newest == oldest ? 0 : (newest[0] - oldest[0]) / 1000.0;
        return seconds == 0 ? 0 : Math.round((newest[column] - oldest[column]) / seconds);
    }
}
