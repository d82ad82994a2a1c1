package io.procpool.internal.manager;

import io.procpool.PoolListener;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.WorkerFeed;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of worker processes in their slots: starting what is missing, a worker becoming READY (and
 * taking over its slot from the worker it succeeds), a worker exiting (its slot restarted at once or
 * after a crash-loop backoff), retiring and recycling. Decides from the supervisor's {@link PoolState}.
 * Supervisor thread only.
 */
final class WorkerLifecycle {

    /** What the supervisor knows that these decisions depend on. */
    interface PoolState {
        PoolConfig config();

        RestartBackoff backoff();

        int target();

        boolean stopping();

        WorkerFeed feed();
    }

    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final PoolState state;
    private final WorkerTable table;
    private final WorkerStarts starts;
    private final RollingReload reload;
    private final Mailbox mailbox;
    private final Clock clock;
    private final Consumer<Consumer<PoolListener>> listeners;

    WorkerLifecycle(
            PoolState state,
            WorkerTable table,
            WorkerStarts starts,
            RollingReload reload,
            Mailbox mailbox,
            Clock clock,
            Consumer<Consumer<PoolListener>> listeners) {
        this.state = state;
        this.table = table;
        this.starts = starts;
        this.reload = reload;
        this.mailbox = mailbox;
        this.clock = clock;
        this.listeners = listeners;
    }

    /** Starts what is missing (empty slots whose backoff has passed) and retires slots above the target. */
    void manageWorkers() {
        if (state.stopping()) {
            return;
        }
        long now = clock.millis();
        for (int i = 0; i < state.target(); i++) {
            Slot slot = table.slot(i);
            if (now < slot.nextStartAtMs) {
                continue;
            }
            if (slot.isEmpty()) {
                slot.current = spawn(slot);
            } else if (slot.successor == null && slot.current != null && slot.current.recycleReason != null) {
                slot.successor = spawn(slot);
            }
        }
        for (var it = table.slots().values().iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (slot.index >= state.target()) {
                retireWorker(slot.current);
                retireWorker(slot.successor);
                it.remove();
                reload.slotRemoved(slot);
            }
        }
    }

    WorkerHandle spawn(Slot slot) {
        WorkerHandle w = starts.spawn(slot, state.config(), state.backoff(), state.target());
        if (w != null) {
            listeners.accept(l -> l.onWorkerStart(slot.index, w.pid()));
        }
        return w;
    }

    void markReady(long workerId) {
        WorkerHandle w = table.worker(workerId);
        if (w == null || w.state != WorkerHandle.State.STARTING) {
            return;
        }
        w.state = WorkerHandle.State.READY;
        w.readyAtMs = clock.millis();
        log.info("worker {} in slot {} (pid {}) is ready in {} ms", w.id, w.slot, w.pid(), w.readyAtMs - w.spawnedAtMs);
        state.feed().attach(w.id, w.slot, w.connection);
        mailbox.open(w.id, w.slot, w.connection);
        Slot slot = table.slots().get(w.slot);
        if (slot != null && slot.successor == w) {
            WorkerHandle old = slot.current;
            slot.current = w;
            slot.successor = null;
            retireWorker(old);
            if (reload.successorReady(slot)) {
                reload.advance(table, this::spawn); // the next slot starts now, not at the next tick
            }
        }
    }

    /** Why a worker that should have kept running ended, as the label of its restart. */
    static String restartCause(WorkerHandle w, int exitCode) {
        if (w.killedForMessageTimeout) {
            return "message_timeout";
        }
        if (w.killed) {
            return w.state == WorkerHandle.State.STARTING ? "startup_timeout" : "killed";
        }
        return switch (exitCode) {
            case ExitCode.KILLED -> "sigkill";
            case 143 -> "sigterm";
            case ExitCode.CONSUMER_LOAD_FAILED, ExitCode.CONSUMER_START_FAILED -> "start_failed";
            case ExitCode.OK -> "exited";
            default -> "crash";
        };
    }

    /** A worker exited: account for it, and restart its slot unless it was retired. */
    void reapWorker(long workerId, int exitCode) {
        WorkerHandle w = table.remove(workerId);
        if (w == null) {
            return;
        }
        String how = ExitCode.describe(exitCode);
        state.feed().detach(workerId, how, w.mayBeMessageFault(exitCode));
        mailbox.close(workerId, w.slot);
        if (w.connection != null) {
            w.connection.close();
        }
        listeners.accept(l -> l.onWorkerExit(w.slot, w.pid(), exitCode));
        long now = clock.millis();
        long uptimeMs = now - w.spawnedAtMs;
        Slot slot = table.slots().get(w.slot);
        boolean planned = w.state == WorkerHandle.State.STOPPING && !w.killed;
        if (planned || slot == null || (slot.current != w && slot.successor != w)) {
            log.info("worker {} in slot {} (pid {}) {}", w.id, w.slot, w.pid(), how);
            return;
        }
        if (slot.current == w) {
            slot.current = null;
        } else {
            slot.successor = null;
            reload.successorDied(slot, how);
        }
        slot.restarts++;
        slot.lastExit = how;
        table.countRestart(restartCause(w, exitCode));
        boolean quick = uptimeMs < state.config().minUptime().toMillis()
                || w.state == WorkerHandle.State.STARTING
                || exitCode == ExitCode.CONSUMER_LOAD_FAILED
                || exitCode == ExitCode.CONSUMER_START_FAILED;
        slot.consecutiveFailures = quick ? slot.consecutiveFailures + 1 : 0;
        Duration delay = state.backoff().delayAfter(slot.consecutiveFailures);
        slot.nextStartAtMs = now + delay.toMillis();
        if (state.stopping()) {
            return;
        }
        if (quick) {
            log.warn(
                    "worker {} in slot {} (pid {}) {} after {} ms; {} quick failure(s) in a row, restarting in {}",
                    w.id,
                    w.slot,
                    w.pid(),
                    how,
                    uptimeMs,
                    slot.consecutiveFailures,
                    Units.format(delay));
        } else {
            log.warn("worker {} in slot {} (pid {}) {}; restarting", w.id, w.slot, w.pid(), how);
        }
    }

    /** Asks a worker to stop gracefully; it gets no new messages and is killed at its deadline. */
    void retireWorker(WorkerHandle w) {
        if (w == null || w.state == WorkerHandle.State.STOPPING) {
            return;
        }
        w.state = WorkerHandle.State.STOPPING;
        w.stopDeadlineMs = clock.millis() + state.config().maxWaitTime().toMillis();
        state.feed().pause(w.id);
        mailbox.close(w.id, w.slot);
        if (w.connection == null) {
            return; // it gets STOP right after its HELLO
        }
        try {
            w.connection.send(FrameType.STOP, new byte[0]);
        } catch (IOException e) {
            w.kill();
        }
    }

    /** Replaces a worker gracefully: no new messages for it, a successor starts, then it stops. */
    void recycle(WorkerHandle w, String reason) {
        if (w == null || w.state != WorkerHandle.State.READY || w.recycleReason != null || !table.isCurrent(w)) {
            return;
        }
        log.info("recycling worker {} in slot {} (pid {}): {}", w.id, w.slot, w.pid(), reason);
        w.recycleReason = reason;
        state.feed().pause(w.id);
        mailbox.close(w.id, w.slot);
        Slot slot = table.slots().get(w.slot);
        if (slot.successor == null && !state.stopping()) {
            slot.successor = spawn(slot);
        }
    }
}
