package io.procpool.internal;

/**
 * Exit codes of the manager, the workers and the CLI. Named so that the manager can tell a
 * consumer that cannot load (do not spin) from a crash (restart), and so scripts can tell a
 * bad configuration from a pool that is not running.
 */
public final class ExitCode {
    public static final int OK = 0;
    /** Anything unexpected (an uncaught exception). */
    public static final int FAILED = 1;
    /** CLI: the configuration or the command line is invalid; the message names key and value. */
    public static final int CONFIG_INVALID = 2;
    /** Worker: could not reach the manager or speak the protocol. */
    public static final int WORKER_BOOT_FAILED = 3;
    /** Worker: the consumer class is missing, is not a Consumer, or its constructor failed. */
    public static final int CONSUMER_LOAD_FAILED = 4;
    /** Worker: the consumer's {@code onStart} threw. */
    public static final int CONSUMER_START_FAILED = 5;
    /** Worker: the manager went away (EOF on the IPC socket); the worker exits so no orphan remains. */
    public static final int MANAGER_GONE = 6;
    /** CLI: a pool already runs on this run directory. */
    public static final int ALREADY_RUNNING = 7;
    /** Worker: loop mode's {@code run} threw. */
    public static final int CONSUMER_LOOP_FAILED = 8;
    /** CLI: no pool runs on this run directory. */
    public static final int NOT_RUNNING = 9;
    /** Manager or CLI: the queue database is corrupt, foreign or cannot be opened. */
    public static final int QUEUE_UNAVAILABLE = 10;
    /** Manager or worker: the source could not start (a TCP port taken, a broker unreachable). */
    public static final int SOURCE_FAILED = 11;
    /** Manager: the supervisor failed (a bug); it stopped the pool gracefully and exits. */
    public static final int SUPERVISOR_FAILED = 12;
    /** CLI, {@code pool status}: the pool runs with some of its workers READY, not all. */
    public static final int DEGRADED = 13;
    /** CLI, {@code pool status}: the pool runs with no worker READY. */
    public static final int NO_WORKER_READY = 14;
    /** A worker the manager killed: a process's SIGKILL (128 + 9), and what a thread worker ends with then. */
    public static final int KILLED = 137;

    private ExitCode() {}

    /** A word for a worker's exit code, for logs and status. */
    public static String describe(int code) {
        return switch (code) {
            case OK -> "exited normally";
            case FAILED ->
                "exited with code 1 (an uncaught exception, or the JVM could not start: see its lines above)";
            case WORKER_BOOT_FAILED -> "worker boot failed";
            case CONSUMER_LOAD_FAILED -> "consumer class could not be loaded";
            case CONSUMER_START_FAILED -> "consumer onStart threw";
            case MANAGER_GONE -> "lost its manager";
            case CONSUMER_LOOP_FAILED -> "consumer run() threw";
            case SOURCE_FAILED -> "its source could not start";
            case SUPERVISOR_FAILED -> "its supervisor failed";
            case KILLED -> "killed (SIGKILL)";
            case 143 -> "terminated (SIGTERM)";
            default -> code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
        };
    }
}
