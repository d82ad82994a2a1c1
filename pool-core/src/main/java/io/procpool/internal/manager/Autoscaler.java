package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import io.procpool.internal.config.AutoscaleSettings;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's worker count under {@code workers: {min, max}}: once a second it reads the group's backlog
 * (the built-in queue's depth, the tasks waiting, or the Kafka lag its workers report) and decides.
 * It grows when the backlog per READY worker passes {@code backlog_per_worker}, straight to the count
 * that backlog asks for, and shrinks by one after {@code idle_after} with nothing waiting and a worker's
 * worth of capacity unused; changes are {@code cooldown} apart and stay within min and max. Each
 * decision is logged with its reason and kept for status and metrics. The supervisor thread only.
 */
final class Autoscaler {

    private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
    private static final long CHECK_MS = 1_000;

    private long nextCheckMs;
    private long lastChangeMs = Long.MIN_VALUE;
    /** Since when the group has been idle (nothing waiting, capacity to spare), or -1. */
    private long idleSinceMs = -1;

    private long backlog = -1;
    private long ups;
    private long downs;
    private String lastDecision = "none yet";

    /** A new count for the group when one is due now, else empty. */
    OptionalInt step(long now, Supervisor s) {
        AutoscaleSettings a = s.config().autoscale();
        if (a == null || s.stopping() || now < nextCheckMs) {
            return OptionalInt.empty();
        }
        nextCheckMs = now + CHECK_MS;
        return decide(
                now, a, s.target(), s.table().readyCount(), busy(s), s.config().concurrency(), backlogOf(s));
    }

    /**
     * The decision for a group of {@code target} workers, {@code ready} of them READY, {@code busy}
     * messages running and {@code backlog} waiting (-1: unknown), at {@code now}.
     */
    OptionalInt decide(long now, AutoscaleSettings a, int target, int ready, long busy, int concurrency, long backlog) {
        this.backlog = backlog;
        if (target < a.min() || target > a.max()) {
            int n = Math.max(a.min(), Math.min(a.max(), target));
            return change(now, target, n, "workers.min/max are now " + a.min() + "-" + a.max());
        }
        boolean cooled = lastChangeMs == Long.MIN_VALUE
                || now - lastChangeMs >= a.cooldown().toMillis();
        boolean idle = backlog == 0 && busy <= (long) (target - 1) * concurrency;
        if (!idle) {
            idleSinceMs = -1;
        } else if (idleSinceMs < 0) {
            idleSinceMs = now;
        }
        if (backlog < 0 || !cooled) {
            return OptionalInt.empty(); // the backlog is not known yet, or the last change is too recent
        }
        long perWorker = backlog / Math.max(1, ready);
        if (perWorker > a.backlogPerWorker() && target < a.max()) {
            long wanted = (backlog + a.backlogPerWorker() - 1) / a.backlogPerWorker();
            int n = (int) Math.min(a.max(), Math.max(target + 1L, wanted));
            return change(
                    now,
                    target,
                    n,
                    "backlog " + backlog + " is " + perWorker + " per READY worker (" + ready
                            + "), over workers.backlog_per_worker " + a.backlogPerWorker());
        }
        if (idle && target > a.min() && now - idleSinceMs >= a.idleAfter().toMillis()) {
            idleSinceMs = now; // each further step down waits for idle_after again
            return change(
                    now,
                    target,
                    target - 1,
                    "idle for " + Units.format(a.idleAfter()) + ": nothing waiting, " + busy + " message(s) running in "
                            + target + " worker(s)");
        }
        return OptionalInt.empty();
    }

    private OptionalInt change(long now, int from, int to, String reason) {
        lastChangeMs = now;
        if (to > from) {
            ups++;
        } else {
            downs++;
        }
        lastDecision = from + " -> " + to + ": " + reason;
        log.info("autoscaling from {} to {} worker(s): {}", from, to, reason);
        return OptionalInt.of(to);
    }

    /** What status shows of it, or empty for a group with a fixed count. */
    java.util.Optional<PoolStatus.Autoscale> status(AutoscaleSettings a) {
        return a == null
                ? java.util.Optional.empty()
                : java.util.Optional.of(new PoolStatus.Autoscale(a.min(), a.max(), backlog, ups, downs, lastDecision));
    }

    /** Why {@code pool scale} and TTIN/TTOU do not apply to an autoscaled group. */
    static String refusal(PoolConfig config) {
        AutoscaleSettings a = config.autoscale();
        return "the group " + config.groupName() + " is autoscaled between workers.min " + a.min() + " and workers.max "
                + a.max() + "; change those and reload instead of scaling it";
    }

    private static long busy(Supervisor s) {
        long n = 0;
        for (WorkerHandle w : s.table().workers().values()) {
            n += w.inFlight;
        }
        return n;
    }

    /** The group's backlog, or -1 while it is unknown. */
    private static long backlogOf(Supervisor s) {
        if (s.queue() != null) {
            return s.queue().stats().depth();
        }
        if (s.sourceStats() != null) {
            Map<String, Object> stats = s.sourceStats().get();
            return stats.get("waiting") instanceof Number n ? n.longValue() : -1;
        }
        long lag = -1; // Kafka: each worker reports the lag of the partitions it was assigned
        for (WorkerHandle w : s.table().workers().values()) {
            try {
                long l = Long.parseLong(w.sourceStats.getOrDefault("lag_total", "-1"));
                if (l >= 0) {
                    lag = Math.max(lag, 0) + l;
                }
            } catch (NumberFormatException e) {
                // not a number yet: this worker's lag is unknown
            }
        }
        return lag;
    }
}
