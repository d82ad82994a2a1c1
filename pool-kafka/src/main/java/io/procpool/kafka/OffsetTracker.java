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

    /** The offset that may be committed: the first unfinished record, or the one after the last; -1 before any. */
    long position() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }

    /** {@link #position()} when it moved since the last commit, else -1. */
    long toCommit() {
        long position = position();
        return position < 0 || position == committed ? -1 : position;
    }

    void committed(long offset) {
        committed = offset;
    }

    /** The last commit did not take: the next {@link #toCommit()} offers the position again. */
    void commitFailed() {
        committed = -1;
    }

    int unfinished() {
        return unfinished.size();
    }
}
