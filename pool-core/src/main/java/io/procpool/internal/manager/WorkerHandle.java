package io.procpool.internal.manager;

import io.procpool.internal.ExitCode;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.WorkerReports;
import io.procpool.internal.manager.WorkerLauncher.LaunchedWorker;

/** The supervisor's record of one worker process. Touched only by the supervisor thread. */
final class WorkerHandle {

    enum State {
        STARTING,
        READY,
        STOPPING
    }

    final long id;
    final int slot;
    final LaunchedWorker process;
    final long spawnedAtMs;
    State state = State.STARTING;
    IpcConnection connection;
    long readyAtMs;
    long stopDeadlineMs;
    boolean killed;
    /** Killed by the manager because one message ran past message_timeout: that message's fault. */
    boolean killedForMessageTimeout;
    /** Paused and waiting for a successor (max_requests, max_memory). */
    String recycleReason;

    long processed;
    long failed;
    int inFlight;
    long busySinceMs;
    long rssBytes = -1;
    /** Messages after which it asks to be recycled: max_requests plus its own jitter; 0 = never. */
    long maxRequests;
    /** Counters of the source the worker runs itself, from its last heartbeat. */
    java.util.Map<String, String> sourceStats = java.util.Map.of();

    WorkerHandle(long id, int slot, LaunchedWorker process, long spawnedAtMs) {
        this.id = id;
        this.slot = slot;
        this.process = process;
        this.spawnedAtMs = spawnedAtMs;
    }

    long pid() {
        return process.pid();
    }

    /** Its counters from a heartbeat. */
    void record(WorkerReports.Heartbeat h) {
        processed = h.processed();
        failed = h.failed();
        inFlight = h.inFlight();
        busySinceMs = h.busySinceEpochMs();
        sourceStats = h.source();
    }

    /**
     * Whether its death may be the fault of a message it held: it was killed for message_timeout, or
     * it died on its own (an OutOfMemoryError halt, SIGSEGV, SIGABRT, System.exit(n) in a consumer).
     * A SIGKILL or SIGTERM from outside, or a planned stop, is not.
     */
    boolean mayBeMessageFault(int exitCode) {
        if (killedForMessageTimeout) {
            return true;
        }
        return !killed
                && state != State.STOPPING
                && exitCode != 0
                && exitCode != 137
                && exitCode != 143
                && exitCode != ExitCode.MANAGER_GONE;
    }

    void kill() {
        killed = true;
        process.kill();
    }
}
