package io.procpool.internal.manager;

import io.procpool.internal.ipc.Handshake;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.WorkerReports;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the supervisor reacts to. Other threads (signal handlers, IPC readers, process
 * exit callbacks, control connections) only create events; the supervisor thread acts on them.
 */
sealed interface SupervisorEvent {

    /** A POSIX signal arrived: TERM, INT, HUP, USR1, TTIN or TTOU. */
    record SignalReceived(String name) implements SupervisorEvent {}

    /** A worker connected and said HELLO. */
    record Connected(Handshake.Hello hello, IpcConnection connection) implements SupervisorEvent {}

    /** A worker finished {@code onStart} and takes messages. */
    record Ready(long workerId) implements SupervisorEvent {}

    record Heartbeat(long workerId, WorkerReports.Heartbeat heartbeat) implements SupervisorEvent {}

    /** A worker asks to be replaced (it reached {@code max_requests}). */
    record RecycleAsked(long workerId, String reason) implements SupervisorEvent {}

    /** A worker process ended. */
    record Exited(long workerId, int exitCode) implements SupervisorEvent {}

    /** A command from {@code control.sock} or an embedding program; the supervisor completes {@code reply}. */
    record Command(ControlCommand command, CompletableFuture<Map<String, Object>> reply) implements SupervisorEvent {}

    /** Someone wants the status of the supervisor's group (a pool of groups merges them); it completes {@code reply}. */
    record StatusWanted(CompletableFuture<io.procpool.PoolStatus> reply) implements SupervisorEvent {}
}
