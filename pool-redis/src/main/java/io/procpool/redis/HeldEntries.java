package io.procpool.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream entries a worker holds (read or claimed, not yet acked or failed), kept from looking
 * abandoned. Any worker claims entries idle longer than {@code claim_idle} (XAUTOCLAIM), and an entry
 * that waits that long in a live worker's window, or runs that long, is not abandoned: claimed, it
 * would run twice. So every quarter of {@code claim_idle} the reader XCLAIMs what it holds to its own
 * consumer with JUSTID, which resets the entries' idle time and counts no delivery; only the entries of
 * a worker that died (or that failed) grow idle. Delivery threads {@link #add}/{@link #remove}; the
 * reader thread {@link #refreshIfDue refreshes}.
 */
final class HeldEntries {

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final long intervalNanos;
    private long nextRefresh;

    HeldEntries(Duration claimIdle) {
        this.intervalNanos = Math.max(1, claimIdle.toNanos() / 4);
    }

    void add(String id) {
        ids.add(id);
    }

    /** The entry was acked, failed (left to grow idle and be claimed again) or dead-lettered. */
    void remove(String id) {
        ids.remove(id);
    }

    int size() {
        return ids.size();
    }

    /**
     * How long one blocking read or wait of the reader may take, so that a refresh is never late by more
     * than a quarter of {@code claim_idle}: a second at most.
     */
    long maxWaitMillis() {
        return Math.max(1, Math.min(1_000, intervalNanos / 1_000_000));
    }

    /** Resets the idle time of every held entry when a quarter of {@code claim_idle} has passed. Reader thread. */
    void refreshIfDue(RedisCommands<String, byte[]> r, String key, Consumer<String> consumer) {
        long now = System.nanoTime();
        if (now - nextRefresh < 0) {
            return;
        }
        // One copy, tested and sent: a delivery thread may ack the last entry between a test of the set
        // and a copy of it, and an XCLAIM without ids is refused. An id acked since the copy is no longer
        // pending: XCLAIM skips it.
        String[] held = ids.toArray(String[]::new);
        if (held.length == 0) {
            return;
        }
        nextRefresh = now + intervalNanos;
        r.xclaim(key, consumer, new XClaimArgs().justid().minIdleTime(0), held);
    }
}
