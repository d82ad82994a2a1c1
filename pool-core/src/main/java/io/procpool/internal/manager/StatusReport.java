package io.procpool.internal.manager;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Backoff;
import io.procpool.PoolStatus.Group;
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
        String group = s.config().groupName();
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
                    group,
                    w.slot,
                    w.id,
                    w.pid(),
                    stateOf(w),
                    Duration.ofMillis(now - w.spawnedAtMs),
                    readyAfter,
                    w.processed,
                    w.failed,
                    w.inFlight,
                    w.busySinceMs == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - w.busySinceMs)),
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
                        group,
                        slot.index,
                        0,
                        0,
                        WorkerState.BACKOFF,
                        Duration.ZERO,
                        Optional.empty(),
                        0,
                        0,
                        0,
                        Duration.ZERO,
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
        Group g = new Group(
                group,
                pool.consumer(),
                pool.source(),
                pool.workersTarget(),
                pool.workersReady(),
                pool.processed(),
                pool.failed(),
                pool.restarts(),
                pool.queue(),
                pool.sourceAvailable(),
                pool.sourceStats(),
                s.autoscaler().status(s.config().autoscale()),
                table.restartCauses());
        return new PoolStatus(pool, List.of(g), rows);
    }

    /**
     * The status of a pool of several groups from each group's own ({@link #of}, in the groups' order):
     * counters summed, the state the busiest one's, the consumer, source and queue the first group's.
     */
    static PoolStatus merge(List<PoolStatus> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Group> groups = new ArrayList<>();
        List<Worker> rows = new ArrayList<>();
        PoolState state = PoolState.RUNNING;
        int target = 0;
        int ready = 0;
        long processed = 0;
        long failed = 0;
        long restarts = 0;
        long delivered = 0;
        long dropped = 0;
        Optional<Boolean> available = Optional.empty();
        for (PoolStatus part : parts) {
            PoolStatus.Pool p = part.pool();
            groups.addAll(part.groups());
            rows.addAll(part.workers());
            if (p.state().compareTo(state) > 0) {
                state = p.state();
            }
            target += p.workersTarget();
            ready += p.workersReady();
            processed += p.processed();
            failed += p.failed();
            restarts += p.restarts();
            delivered += p.sendsDelivered();
            dropped += p.sendsDropped();
            if (p.sourceAvailable().isPresent()) {
                available = Optional.of(
                        available.orElse(true) && p.sourceAvailable().get());
            }
        }
        PoolStatus.Pool first = parts.get(0).pool();
        Optional<PoolStatus.QueueStats> queue = parts.stream()
                .map(p -> p.pool().queue())
                .flatMap(Optional::stream)
                .findFirst();
        PoolStatus.Pool pool = new PoolStatus.Pool(
                first.pid(),
                state,
                first.consumer(),
                first.source(),
                first.uptime(),
                target,
                ready,
                processed,
                failed,
                restarts,
                delivered,
                dropped,
                queue,
                available,
                first.sourceStats());
        return new PoolStatus(pool, groups, rows);
    }

    private static WorkerState stateOf(WorkerHandle w) {
        if (w.state == WorkerHandle.State.READY && w.recycleReason != null) {
            return WorkerState.RECYCLING;
        }
        return WorkerState.valueOf(w.state.name());
    }
}
