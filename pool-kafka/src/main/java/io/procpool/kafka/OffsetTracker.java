package io.procpool.kafka;

/**
 * One assigned partition's offsets: which polled records are unfinished, and so how far the
 * committed offset may advance: past a contiguous run of finished records only, so that with
 * {@code concurrency} &gt; 1 a crash never skips a record still running. Records are handed out in
 * offset order, so the handed-out offsets sit in a ring in that order with a finished flag each: no
 * boxing and no tree per record. Poll thread only.
 */
final class OffsetTracker {

    private long[] offsets = new long[64];
    private boolean[] done = new boolean[64];
    /** Ring index of the oldest unfinished record; {@code size} entries from there. */
    private int head;

    private int size;
    private int unfinished;
    /** The offset after the last record handed out. */
    private long next = -1;

    private long committed = -1;

    void handedOut(long offset) {
        if (size > 0 && offset <= offsets[(head + size - 1) & (offsets.length - 1)]) {
            // the consumer went back (a reset position): start over from here; what finishes of the
            // earlier records is ignored, and the commit may go back, never past an unfinished record
            size = 0;
            unfinished = 0;
            next = -1;
        }
        if (size == offsets.length) {
            grow();
        }
        int i = (head + size) & (offsets.length - 1);
        offsets[i] = offset;
        done[i] = false;
        size++;
        unfinished++;
        next = offset + 1;
    }

    void finished(long offset) {
        int i = indexOf(offset);
        if (i < 0 || done[i]) {
            return; // handed out before a revoke, or twice: nothing to do
        }
        done[i] = true;
        unfinished--;
        while (size > 0 && done[head]) {
            head = (head + 1) & (offsets.length - 1);
            size--;
        }
    }

    /** Ring index of {@code offset} (binary search: offsets grow along the ring), or -1. */
    private int indexOf(long offset) {
        int lo = 0;
        int hi = size - 1;
        int mask = offsets.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long o = offsets[(head + mid) & mask];
            if (o < offset) {
                lo = mid + 1;
            } else if (o > offset) {
                hi = mid - 1;
            } else {
                return (head + mid) & mask;
            }
        }
        return -1;
    }

    private void grow() {
        long[] o = new long[offsets.length * 2];
        boolean[] d = new boolean[offsets.length * 2];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (offsets.length - 1);
            o[k] = offsets[i];
            d[k] = done[i];
        }
        offsets = o;
        done = d;
        head = 0;
    }

    /** The offset that may be committed: the first unfinished record, or the one after the last; -1 before any. */
    long position() {
        return size == 0 ? next : offsets[head];
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
        return unfinished;
    }
}
