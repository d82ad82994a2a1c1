package io.procpool;

import io.procpool.internal.control.StatusCodec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code pool status} reports: the pool, its groups, then one row per worker process and one per
 * slot waiting out a restart backoff, group by group in slot order. {@code pool status --json}, {@link PoolControl#status()} and
 * {@link ConsumerPool#status()} all give this; {@link #toJson()} is the JSON the CLI prints, and
 * {@link #fromJson} reads it back. A snapshot taken on the manager's supervisor thread; immutable.
 *
 * @param pool the pool as a whole
 * @param groups each group of the pool's manager ({@code groups:} in pool.yaml), in the file's order; a
 *     pool without groups has one, named {@code default}
 * @param workers every slot of every group: its worker process, or its backoff when it has none
 */
public record PoolStatus(Pool pool, List<Group> groups, List<Worker> workers) {

    public PoolStatus {
        groups = List.copyOf(groups);
        workers = List.copyOf(workers);
    }

    /** What the pool is doing as a whole. */
    public enum PoolState {
        /** Serving messages. */
        RUNNING,
        /** A rolling restart is replacing the workers one slot at a time. */
        RELOADING,
        /** A graceful stop is under way. */
        STOPPING
    }

    /** Where a slot is in its worker's life. */
    public enum WorkerState {
        /** The process runs and has not yet said it is ready. */
        STARTING,
        /** Ready for messages. */
        READY,
        /** Ready, but taking no new messages: it will be replaced ({@code max_requests}, {@code max_memory}, reload). */
        RECYCLING,
        /** Finishing what it holds before it exits. */
        STOPPING,
        /** No process: the slot waits out a restart backoff after quick failures. */
        BACKOFF
    }

    /**
     * The pool as a whole: the counters are the sum over its groups; with groups, {@code consumer},
     * {@code source}, {@code queue} and {@code sourceStats} are the first group's (see {@link #groups()}).
     *
     * @param pid the manager's process id
     * @param state RELOADING while some group reloads, STOPPING once the pool stops
     * @param consumer the consumer class
     * @param source the source type ({@code queue}, {@code tcp}, {@code redis}, {@code kafka}, {@code task},
     *     {@code none})
     * @param workersTarget how many workers the pool keeps ({@code workers}, or the last {@code pool scale})
     * @param workersReady how many are {@link WorkerState#READY}
     * @param processed messages the workers finished, over the pool's life (it survives worker restarts)
     * @param failed messages whose handling failed, over the pool's life
     * @param restarts worker processes started again after one exited when it should not have
     * @param sendsDelivered {@code ctx.send} messages handed to a worker
     * @param sendsDropped {@code ctx.send} messages dropped because no worker was ready in their slot
     * @param queue the built-in queue, when it is the pool's source
     * @param sourceAvailable for a source the workers read themselves: false while some worker cannot reach it
     * @param sourceStats what a source run by the manager reports (TCP process mode: connections, frames);
     *     its keys are the source's own and are documented with the source; empty for the others
     */
    public record Pool(
            long pid,
            PoolState state,
            String consumer,
            String source,
            Duration uptime,
            int workersTarget,
            int workersReady,
            long processed,
            long failed,
            long restarts,
            long sendsDelivered,
            long sendsDropped,
            Optional<QueueStats> queue,
            Optional<Boolean> sourceAvailable,
            Map<String, Object> sourceStats) {
        public Pool {
            sourceStats = Collections.unmodifiableMap(new LinkedHashMap<>(sourceStats));
        }
    }

    /**
     * One group of workers: its consumer, source and counters.
     *
     * @param name its key under {@code groups:}, or {@code default} in a pool without groups
     * @param consumer the group's consumer class
     * @param source the group's source type
     * @param workersTarget how many workers the group keeps
     * @param workersReady how many are {@link WorkerState#READY}
     * @param processed messages the group's workers finished, over the pool's life
     * @param failed messages whose handling failed in the group, over the pool's life
     * @param restarts the group's worker processes started again after an exit they should not have made
     * @param queue the group's built-in queue, when it reads one
     * @param sourceAvailable for a source the workers read themselves: false while some worker cannot reach it
     * @param sourceStats what a source run by the manager reports for the group (see {@link Pool#sourceStats()})
     * @param autoscale for a group with {@code workers: {min, max}}, its bounds and decisions
     * @param restartCauses the group's restarts by why the worker ended ({@code sigkill}, {@code crash},
     *     {@code message_timeout}, {@code startup_timeout}, {@code killed}, {@code start_failed}, {@code
     *     sigterm}, {@code exited}); they add up to {@code restarts}
     */
    public record Group(
            String name,
            String consumer,
            String source,
            int workersTarget,
            int workersReady,
            long processed,
            long failed,
            long restarts,
            Optional<QueueStats> queue,
            Optional<Boolean> sourceAvailable,
            Map<String, Object> sourceStats,
            Optional<Autoscale> autoscale,
            Map<String, Long> restartCauses) {
        public Group {
            sourceStats = Collections.unmodifiableMap(new LinkedHashMap<>(sourceStats));
            restartCauses = Collections.unmodifiableMap(new LinkedHashMap<>(restartCauses));
        }
    }

    /**
     * An autoscaled group's bounds and what it decided.
     *
     * @param min the fewest workers it runs
     * @param max the most workers it runs
     * @param backlog the backlog it last read (the queue's depth, tasks waiting, or Kafka lag), or -1 unknown
     * @param ups how often it grew
     * @param downs how often it shrank
     * @param lastDecision its last change of the count, with the reason ({@code none yet} before one)
     */
    public record Autoscale(int min, int max, long backlog, long ups, long downs, String lastDecision) {}

    /**
     * One slot: its worker process, or, in {@link WorkerState#BACKOFF}, the wait before the next one.
     *
     * @param group the name of the group the slot belongs to ({@code default} in a pool without groups)
     * @param slot the slot number within its group, from 0
     * @param id the worker's number within this manager, or 0 in BACKOFF
     * @param pid the worker's process id, or 0 in BACKOFF
     * @param uptime since the process started
     * @param readyAfter how long it took from the start to READY, while it has not been ready: empty
     * @param processed messages this process finished
     * @param failed messages whose handling failed in this process
     * @param inFlight messages inside {@code onMessage} now
     * @param busyFor how long the oldest of those has been running (zero when idle), as of the last
     *     heartbeat
     * @param restarts how often this slot's worker was started again
     * @param rssBytes the process's resident memory, or -1 when unknown
     * @param maxRequests after how many messages this process is recycled (0: never)
     * @param source what a source the workers read themselves reports for this worker (Redis, Kafka, TCP base
     *     mode), as text; its keys are the source's own and are documented with the source
     * @param backoff in BACKOFF, why and until when
     */
    public record Worker(
            String group,
            int slot,
            long id,
            long pid,
            WorkerState state,
            Duration uptime,
            Optional<Duration> readyAfter,
            long processed,
            long failed,
            int inFlight,
            Duration busyFor,
            long restarts,
            long rssBytes,
            long maxRequests,
            Map<String, String> source,
            Optional<Backoff> backoff) {
        public Worker {
            source = Collections.unmodifiableMap(new LinkedHashMap<>(source));
        }

        public boolean isReady() {
            return state == WorkerState.READY;
        }
    }

    /**
     * A slot waiting to start its worker again.
     *
     * @param consecutiveFailures quick failures in a row, which set the delay
     * @param nextStartIn how long until the next start
     * @param lastExit how the last process ended
     */
    public record Backoff(int consecutiveFailures, Duration nextStartIn, String lastExit) {}

    /**
     * The built-in queue.
     *
     * @param depth messages ready to be delivered
     * @param delayed messages waiting out a retry delay
     * @param inFlight messages a worker holds
     * @param dead dead letters
     * @param pushed messages pushed since the manager started
     * @param acked messages settled since the manager started
     * @param pushedPerSecond pushes per second over the last 10 s
     * @param ackedPerSecond settlements per second over the last 10 s
     * @param maxLength the most messages the queue holds before a push is refused (0: no limit)
     * @param redelivered deliveries that failed and were delivered again, since the manager started
     * @param deadLettered messages moved to the dead letters since the manager started (purging them lowers
     *     {@code dead}, not this)
     */
    public record QueueStats(
            String name,
            String durability,
            long depth,
            long delayed,
            long inFlight,
            long dead,
            long pushed,
            long acked,
            long pushedPerSecond,
            long ackedPerSecond,
            long maxLength,
            long redelivered,
            long deadLettered) {}

    /** The READY workers. */
    public long readyCount() {
        return workers.stream().filter(Worker::isReady).count();
    }

    /** The process ids of the READY workers, in slot order. */
    public List<Long> readyPids() {
        return workers.stream().filter(Worker::isReady).map(Worker::pid).toList();
    }

    /** The worker in {@code slot} of the first group. */
    public Optional<Worker> slot(int slot) {
        String first = groups.isEmpty() ? null : groups.get(0).name();
        return workers.stream()
                .filter(w -> w.slot() == slot && (first == null || w.group().equals(first)))
                .findFirst();
    }

    /** The group named {@code name}. */
    public Optional<Group> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The rows of the group named {@code name}, in slot order. */
    public List<Worker> workersOf(String group) {
        return workers.stream().filter(w -> w.group().equals(group)).toList();
    }

    /** Messages inside {@code onMessage} across the workers. */
    public int inFlight() {
        return workers.stream().mapToInt(Worker::inFlight).sum();
    }

    /**
     * The built-in queue's counters.
     *
     * @throws IllegalStateException when the pool's source is not the built-in queue
     */
    public QueueStats queue() {
        return pool.queue()
                .orElseThrow(() -> new IllegalStateException("this pool's source is " + pool.source()
                        + ", not the built-in queue: it has no queue counters"));
    }

    /** The JSON {@code pool status --json} prints. */
    public String toJson() {
        return StatusCodec.toJson(this);
    }

    /**
     * Reads what {@link #toJson()} wrote, or the answer of the control socket's {@code status} command.
     *
     * @throws IllegalArgumentException when it is not a status, saying what is missing
     */
    public static PoolStatus fromJson(String json) {
        return StatusCodec.fromJson(json);
    }
}
