package io.procpool.internal.queue;

import java.util.Arrays;

/**
 * Message ids as runs of consecutive ids ({@code first}, {@code count}): what acks and purges
 * hand the store, since messages are pushed, dispatched and acked in runs. Appending a run that
 * continues the last one extends it. Not thread-safe: filled by one thread, then handed over.
 */
public final class IdRanges {

    private long[] firsts = new long[8];
    private long[] counts = new long[8];
    private int size;
    private long total;

    /** The ids a push gave a batch of {@code count} starting at {@code first}, as text: what producers are told. */
    public static java.util.List<String> asText(long first, int count) {
        java.util.List<String> ids = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(Long.toString(first + i));
        }
        return ids;
    }

    public static IdRanges of(long... ids) {
        IdRanges r = new IdRanges();
        for (long id : ids) {
            r.add(id, 1);
        }
        return r;
    }

    public void add(long first, long count) {
        if (count <= 0) {
            return;
        }
        total += count;
        if (size > 0 && firsts[size - 1] + counts[size - 1] == first) {
            counts[size - 1] += count;
            return;
        }
        if (size == firsts.length) {
            firsts = Arrays.copyOf(firsts, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        firsts[size] = first;
        counts[size] = count;
        size++;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Ids in all runs. */
    public long total() {
        return total;
    }

    /** Runs sorted by first id with touching or overlapping runs merged, as {first, last} pairs. */
    public long[][] merged() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(firsts[a], firsts[b]));
        long[][] out = new long[size][];
        int n = 0;
        for (int k : order) {
            long first = firsts[k];
            long last = first + counts[k] - 1;
            if (n > 0 && first <= out[n - 1][1] + 1) {
                out[n - 1][1] = Math.max(out[n - 1][1], last);
            } else {
                out[n++] = new long[] {first, last};
            }
        }
        return Arrays.copyOf(out, n);
    }
}
