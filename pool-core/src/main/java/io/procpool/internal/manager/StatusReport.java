package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Backoff;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.Worker;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the answer to {@code pool status}: the pool's state and totals, then one row per
 * worker process and one per slot waiting out a restart backoff. Runs on the supervisor
 * thread, which owns everything it reads.
 */
final class StatusReport {

    private StatusReport() {}

    static PoolStatus of(Supervisor s) {
        long now = s.now();
        List<Worker> rows = new ArrayList<>();
        WorkerTable table = s.table();
        boolean reportsSource = false;
        boolean sourceUnavailable = false;
        for (WorkerHandle w : table.workers().values()) {
            Slot slot = table.slots().get(w.slot);
            Optional<Duration> readyAfter =
                    w.readyAtMs == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(w.readyAtMs - w.spawnedAtMs));
            // a thread worker's memory is the manager's: shown as unknown rather than as the whole JVM's
            long rss = !w.process.ownProcess() ? -1 : w.rssBytes >= 0 ? w.rssBytes : ProcessMemory.rssBytes(w.pid());
            rows.add(new Worker(
                    w.slot,
                    w.id,
                    w.pid(),
                    stateOf(w),
                    Duration.ofMillis(now - w.spawnedAtMs),
                    readyAfter,
                    w.processed,
                    w.failed,
                    w.inFlight,
                    slot == null ? 0 : slot.restarts,
                    rss,
                    w.maxRequests,
                    w.sourceStats,
                    Optional.empty()));
            if (!w.sourceStats.isEmpty()) {
                reportsSource = true;
                sourceUnavailable |= "false".equals(w.sourceStats.get("available"));
            }
        }
        for (Slot slot : table.slots().values()) {
            if (slot.isEmpty()) {
                Backoff backoff = new Backoff(
                        slot.consecutiveFailures,
                        Duration.ofMillis(Math.max(0, slot.nextStartAtMs - now)),
                        slot.lastExit);
                rows.add(new Worker(
                        slot.index,
                        0,
                        0,
                        WorkerState.BACKOFF,
                        Duration.ZERO,
                        Optional.empty(),
                        0,
                        0,
                        0,
                        slot.restarts,
                        -1,
                        0,
                        Map.of(),
                        Optional.of(backoff)));
            }
        }
        rows.sort(Comparator.comparingInt(Worker::slot));

        PoolState state = s.stopping() ? PoolState.STOPPING : s.reloading() ? PoolState.RELOADING : PoolState.RUNNING;
        PoolStatus.Pool pool = new PoolStatus.Pool(
                ProcessHandle.current().pid(),
                state,
                s.config().consumer(),
                s.config().sourceType(),
                Duration.ofMillis(now - s.startedAtMs()),
                s.target(),
                table.readyCount(),
                table.processed(),
                table.failed(),
                table.restarts(),
                s.mailbox().delivered(),
                s.mailbox().dropped(),
                Optional.ofNullable(s.queue()).map(q -> q.stats()),
                reportsSource ? Optional.of(!sourceUnavailable) : Optional.empty(),
                s.sourceStats() == null ? Map.of() : s.sourceStats().get());
        return new PoolStatus(pool, rows);
    }

    private static WorkerState stateOf(WorkerHandle w) {
        if (w.state == WorkerHandle.State.READY && w.recycleReason != null) {
            return WorkerState.RECYCLING;
        }
        return WorkerState.valueOf(w.state.name());
    }
}
