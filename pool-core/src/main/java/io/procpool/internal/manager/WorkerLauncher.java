package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * Starts worker processes. The supervisor's only way to create one, so that unit tests can
 * drive the supervisor with a fake launcher. Called on the supervisor thread.
 */
public interface WorkerLauncher {

    /** A started worker process. */
    interface LaunchedWorker {
        long pid();

        /** Calls {@code onExit} with the exit code once the process has ended (on another thread). */
        void onExit(IntConsumer onExit);

        /** SIGKILL. */
        void kill();

        boolean isAlive();

        /** False for a worker that is a thread of the manager: its pid and memory are the manager's. */
        default boolean ownProcess() {
            return true;
        }
    }

    /**
     * Starts the worker of {@code slot}, one of {@code workers} the pool runs now (its heap share is
     * worked out from that count).
     */
    LaunchedWorker launch(int slot, long workerId, PoolConfig config, int workers) throws IOException;
}
