package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import java.util.ArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's deadlines: a worker that did not stop in time, was not READY within
 * {@code startup_timeout}, or has been in one message longer than {@code message_timeout} is killed;
 * once a second each worker's RSS is read and a worker over {@code max_memory} is recycled.
 * Supervisor thread only.
 */
final class Watchdog {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    private static final long MEMORY_CHECK_MS = 1_000;

    private long lastMemoryCheckMs;

    /** Kills the workers past one of their deadlines at {@code nowMs}. */
    void killPastDeadlines(WorkerTable table, PoolConfig config, long nowMs) {
        for (WorkerHandle w : table.workers().values()) {
            if (w.killed) {
                continue;
            }
            if (w.state == WorkerHandle.State.STOPPING && nowMs >= w.stopDeadlineMs) {
                log.warn(
                        "worker {} in slot {} (pid {}) did not stop within its deadline; killing it",
                        w.id,
                        w.slot,
                        w.pid());
                w.kill();
            } else if (w.state == WorkerHandle.State.STARTING
                    && nowMs - w.spawnedAtMs > config.startupTimeout().toMillis()) {
                log.warn(
                        "worker {} in slot {} (pid {}) was not ready within startup_timeout {}; killing it",
                        w.id,
                        w.slot,
                        w.pid(),
                        Units.format(config.startupTimeout()));
                w.kill();
            } else if (w.state == WorkerHandle.State.READY
                    && !config.messageTimeout().isZero()
                    && w.busySinceMs > 0
                    && nowMs - w.busySinceMs > config.messageTimeout().toMillis()) {
                log.warn(
                        "worker {} in slot {} (pid {}) has been in one message for over message_timeout {}; killing it",
                        w.id,
                        w.slot,
                        w.pid(),
                        Units.format(config.messageTimeout()));
                w.killedForMessageTimeout = true; // its message counts the death
                w.kill();
            }
        }
    }

    /**
     * About once a second: reads each worker's RSS (for status) and hands {@code recycle} the workers over
     * {@code max_memory}, with the reason. Returns whether it checked (and a second has passed) this time.
     */
    boolean checkMemory(WorkerTable table, PoolConfig config, long nowMs, BiConsumer<WorkerHandle, String> recycle) {
        if (nowMs - lastMemoryCheckMs < MEMORY_CHECK_MS) {
            return false;
        }
        lastMemoryCheckMs = nowMs;
        for (WorkerHandle w : new ArrayList<>(table.workers().values())) {
            if (!w.process.ownProcess()) {
                continue; // a thread worker: its pid is the manager's, whose memory is no worker's own
            }
            w.rssBytes = ProcessMemory.rssBytes(w.pid());
            if (config.maxMemoryBytes() > 0 && w.rssBytes > config.maxMemoryBytes()) {
                recycle.accept(
                        w,
                        "RSS " + (w.rssBytes >> 20) + " MiB is over max_memory " + (config.maxMemoryBytes() >> 20)
                                + " MiB");
            }
        }
        return true;
    }
}
