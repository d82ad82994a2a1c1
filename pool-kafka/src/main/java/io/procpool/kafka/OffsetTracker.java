package io.procpool.kafka;

import java.util.TreeSet;

/**
 * One assigned partition's offsets: which polled records are unfinished, and so how far the
 * committed offset may advance: past a contiguous run of finished records only, so that with
 * {@code concurrency} &gt; 1 a crash never skips a record still running. Poll thread only.
 */
final class OffsetTracker {

    private final TreeSet<Long> unfinished = new TreeSet<>();
    /** The offset after the last record handed out. */
    private long next = -1;
    private long committed = -1;

    void handedOut(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit (the first unfinished record, or after the last one), or -1 when unchanged. */
    long toCommit() {
        long position = unfinished.isEmpty() ? next : unfinished.first();
        if (position < 0 || position == committed) {
            return -1;
        }
        return position;
    }

    void committed(long offset) {
        committed = offset;
    }

    int unfinished() {
        return unfinished.size();
    }
}
