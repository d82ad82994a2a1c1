package io.procpool.internal.manager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's table: the pool's slots and the worker processes that serve them (current,
 * successors, retiring ones), with the counters of workers that have exited so that pool totals never
 * drop when a worker is replaced. Touched only by the supervisor thread.
 */
final class WorkerTable {

    private static final Logger log = LoggerFactory.getLogger(WorkerTable.class);

    private final Map<Integer, Slot> slots = new TreeMap<>();
    private final Map<Long, WorkerHandle> workers = new LinkedHashMap<>();
    private final Map<String, Long> restartCauses = new java.util.TreeMap<>();
    private final WorkerIds ids;
    private final Supervisor owner;
    private long exitedProcessed;
    private long exitedFailed;

    WorkerTable(WorkerIds ids, Supervisor owner) {
        this.ids = ids;
        this.owner = owner;
    }

    Map<Integer, Slot> slots() {
        return slots;
    }

    Map<Long, WorkerHandle> workers() {
        return workers;
    }

    Slot slot(int index) {
        return slots.computeIfAbsent(index, Slot::new);
    }

    /** A heartbeat's counters for worker {@code id}, when it is still in the table. */
    void record(long id, io.procpool.internal.ipc.WorkerReports.Heartbeat heartbeat) {
        WorkerHandle w = workers.get(id);
        if (w != null) {
            w.record(heartbeat);
        }
    }

    WorkerHandle worker(long id) {
        return workers.get(id);
    }

    long nextWorkerId() {
        return ids.take(owner);
    }

    void add(WorkerHandle w) {
        workers.put(w.id, w);
    }

    /** Takes an exited worker out, keeping its counters; null when it is not (or no longer) in the table. */
    WorkerHandle remove(long id) {
        WorkerHandle w = workers.remove(id);
        ids.release(id);
        if (w != null) {
            exitedProcessed += w.processed;
            exitedFailed += w.failed;
        }
        return w;
    }

    /** Whether {@code w} is the worker its slot counts on (not a successor or a retiring one). */
    boolean isCurrent(WorkerHandle w) {
        Slot slot = slots.get(w.slot);
        return slot != null && slot.current == w;
    }

    int readyCount() {
        int ready = 0;
        for (WorkerHandle w : workers.values()) {
            if (w.state == WorkerHandle.State.READY && isCurrent(w)) {
                ready++;
            }
        }
        return ready;
    }

    long processed() {
        return exitedProcessed
                + workers.values().stream().mapToLong(w -> w.processed).sum();
    }

    long failed() {
        return exitedFailed + workers.values().stream().mapToLong(w -> w.failed).sum();
    }

    /** Kills every worker and forgets them, without waiting: the supervisor's loop must end now. */
    void killAll() {
        log.error("killing {} worker(s)", workers.size());
        for (WorkerHandle w : workers.values()) {
            try {
                w.kill();
            } catch (RuntimeException ignored) {
                // nothing more to do for it
            }
        }
        workers.clear();
    }

    /** Restarts since the manager started, those of slots scaled away included: it never goes down. */
    int restarts() {
        return (int) restartCauses.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A slot's worker is started again after an exit of {@code cause}. */
    void countRestart(String cause) {
        restartCauses.merge(cause, 1L, Long::sum);
    }

    /** Restarts by cause since the manager started. */
    java.util.Map<String, Long> restartCauses() {
        return new java.util.TreeMap<>(restartCauses);
    }
}
