package io.procpool.internal.ipc;

import java.nio.ByteBuffer;

/**
 * How long messages took to handle, as counts in fixed buckets and a sum: what a worker adds up between
 * two frames and the manager merges into a group's histogram. The buckets are part of the protocol, so
 * every worker and manager of one release agree on them. Not thread-safe: its owner guards it.
 */
public final class HandlingTimes {

    /** The buckets' upper bounds in seconds; a last bucket takes everything longer. */
    private static final double[] BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    private final long[] counts = new long[BOUNDS.length + 1];
    private long sumNanos;
    private long total;

    /** The upper bounds of the finite buckets, in seconds. */
    public static double[] bounds() {
        return BOUNDS.clone();
    }

    /** Counts one message that took {@code nanos}. */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        counts[i]++;
        sumNanos += n;
        total++;
    }

    /** Adds {@code other}'s counts to these. */
    public void add(HandlingTimes other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        sumNanos += other.sumNanos;
        total += other.total;
    }

    /** What this running total added since it was {@code earlier}: this minus earlier. */
    public HandlingTimes since(HandlingTimes earlier) {
        HandlingTimes d = new HandlingTimes();
        for (int i = 0; i < counts.length; i++) {
            d.counts[i] = Math.max(0, counts[i] - earlier.counts[i]);
            d.total += d.counts[i];
        }
        d.sumNanos = Math.max(0, sumNanos - earlier.sumNanos);
        return d;
    }

    public HandlingTimes copy() {
        HandlingTimes c = new HandlingTimes();
        c.add(this);
        return c;
    }

    /** Messages counted. */
    public long count() {
        return total;
    }

    /** Per bucket (not cumulative), the finite ones first and the one above the last bound last. */
    public long[] counts() {
        return counts.clone();
    }

    public double sumSeconds() {
        return sumNanos / 1e9;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandlingTimes t && java.util.Arrays.equals(counts, t.counts) && sumNanos == t.sumNanos;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(counts) * 31 + Long.hashCode(sumNanos);
    }

    /** Bytes {@link #encode} writes: a count of non-empty buckets, each as index and count, and the sum. */
    int size() {
        int n = 0;
        for (long c : counts) {
            if (c > 0) {
                n++;
            }
        }
        return 1 + n * 9 + 8;
    }

    void encode(ByteBuffer out) {
        int n = 0;
        for (long c : counts) {
            if (c > 0) {
                n++;
            }
        }
        out.put((byte) n);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                out.put((byte) i).putLong(counts[i]);
            }
        }
        out.putLong(sumNanos);
    }

    static HandlingTimes decode(ByteBuffer in) {
        HandlingTimes t = new HandlingTimes();
        int n = in.get();
        if (n < 0 || n > t.counts.length) {
            throw new IpcProtocolException("handling times in " + n + " buckets");
        }
        for (int k = 0; k < n; k++) {
            int i = in.get();
            long c = in.getLong();
            if (i < 0 || i >= t.counts.length || c < 0) {
                throw new IpcProtocolException("handling times: bucket " + i + " counts " + c);
            }
            t.counts[i] += c;
            t.total += c;
        }
        t.sumNanos = in.getLong();
        return t;
    }
}
