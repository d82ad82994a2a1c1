package io.procpool;

/**
 * Manager-side hooks for a pool embedded in a Java program. Every method is called on the
 * manager's supervisor thread: keep it short and never block in it.
 */
public interface PoolListener {

    /** The pool is up: every worker of the first generation was spawned. */
    default void onStart() {}

    /** A worker process was spawned in {@code slot}. */
    default void onWorkerStart(int slot, long pid) {}

    /** A worker process ended; {@code exitCode} as the operating system reported it. */
    default void onWorkerExit(int slot, long pid, int exitCode) {}

    /** The pool has stopped: every worker is gone. */
    default void onShutdown() {}
}
