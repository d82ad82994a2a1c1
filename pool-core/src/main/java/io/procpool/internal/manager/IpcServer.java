package io.procpool.internal.manager;

import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.HandlingTimes;
import io.procpool.internal.ipc.Handshake;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes;
import io.procpool.internal.ipc.Tasks;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.ipc.WorkerReports;
import io.procpool.internal.manager.SupervisorEvent.Connected;
import io.procpool.internal.queue.BuiltInQueue;
import io.procpool.internal.queue.PushRefusedException;
import io.procpool.internal.task.TaskGroups;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts worker connections on {@code ipc.sock} and reads their frames, each connection for the
 * supervisor of the worker's group (known by the worker id in its HELLO). Acks and replies go
 * straight to that group's feed, worker-to-worker sends to its {@link Mailbox}, pushes to the
 * {@link BuiltInQueue}, tasks to their {@link TaskGroups} (the hot path never waits for a supervisor); lifecycle frames become
 * supervisor events.
 *
 * <p>Threads: one "ipc-accept" thread, and one reader thread per worker connection.
 */
final class IpcServer {

    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);

    private final ServerSocketChannel server;
    private final WorkerIds ids;
    /** The built-in queue, or null when no group reads it. */
    private final BuiltInQueue queue;

    private final TaskGroups tasks;
    private final HandlingHistograms times;
    private final IpcFrameCounts frames;

    IpcServer(
            ServerSocketChannel server,
            WorkerIds ids,
            BuiltInQueue queue,
            TaskGroups tasks,
            HandlingHistograms times,
            IpcFrameCounts frames) {
        this.frames = frames;
        this.server = server;
        this.ids = ids;
        this.queue = queue;
        this.tasks = tasks;
        this.times = times;
    }

    void start() {
        SocketAcceptor.start(server, "ipc-reader", false, ch -> serve(new IpcConnection(ch)));
    }

    private void serve(IpcConnection connection) {
        Handshake.Hello hello = null;
        try {
            Frame first = connection.readFrame();
            frames.received(first.type());
            if (first.type() != FrameType.HELLO) {
                log.warn("closing an IPC connection that began with {} instead of HELLO", first.type());
                connection.close();
                return;
            }
            hello = Handshake.Hello.decode(first.payload());
            Supervisor owner = ids.owner(hello.workerId());
            if (owner == null) {
                log.warn("closing the IPC connection of worker {}, which this manager does not run", hello.workerId());
                connection.close();
                return;
            }
            Thread.currentThread().setName("ipc-reader-" + hello.workerId());
            owner.post(new Connected(hello, connection));
            WorkerFeed feed = owner.feed();
            Caller caller = new Caller(
                    owner.config().groupName(),
                    "task:" + owner.config().groupName() + "-" + hello.slot(),
                    TaskGroups.answersTo(connection),
                    new HandlingTimes[] {new HandlingTimes()});
            while (true) {
                readOne(owner, feed, hello, caller, connection.readFrame());
            }
        } catch (IOException | RuntimeException e) {
            // EOF or a broken worker: its process exit is what the supervisor acts on.
            connection.close();
        }
    }

    /**
     * A connected worker: its group, as the sender of tasks its name in the task's {@code
     * Message.source()} and where its results go, and the running total of its own source's handling
     * times its last heartbeat carried (this connection's reader thread only).
     */
    private record Caller(String group, String source, Coalescer<Tasks.Result> answers, HandlingTimes[] ownTimes) {}

    private void readOne(Supervisor supervisor, WorkerFeed feed, Handshake.Hello hello, Caller caller, Frame f) {
        long id = hello.workerId();
        frames.received(f.type());
        switch (f.type()) {
            // Tasks among them answer their callers: one TASK_RESULTS frame per caller for the whole frame.
            case ACK -> {
                Outcomes.Ack ack = Outcomes.Ack.decode(f.payload());
                long[] settled = {0};
                Coalescer.batching(() -> settled[0] = feed.settle(id, ack.outcomes()));
                // Acks of a worker already detached are not counted as processed: nor are their times.
                if (settled[0] == ack.acked()) {
                    times.add(caller.group(), ack.times());
                }
            }
            case REPLIES -> {
                List<Outcomes.Reply> replies =
                        Outcomes.Replies.decode(f.payload()).replies();
                Coalescer.batching(() -> {
                    for (Outcomes.Reply r : replies) {
                        feed.reply(id, r.tag(), r.body());
                    }
                });
            }
            case READY -> supervisor.post(new SupervisorEvent.Ready(id));
            case HEARTBEAT -> {
                WorkerReports.Heartbeat h = WorkerReports.Heartbeat.decode(f.payload());
                times.add(caller.group(), h.ownTimes().since(caller.ownTimes()[0]));
                caller.ownTimes()[0] = h.ownTimes();
                supervisor.post(new SupervisorEvent.Heartbeat(id, h));
            }
            case RECYCLE ->
                supervisor.post(new SupervisorEvent.RecycleAsked(
                        id, WorkerReports.Recycle.decode(f.payload()).reason()));
            case SEND -> {
                WorkerReports.Send send = WorkerReports.Send.decode(f.payload());
                supervisor.mailbox().send(hello.slot(), send.slot(), send.body());
            }
            case PUSH -> {
                // A push may wait for its commit or for room in a full queue: never on this
                // thread, which must keep reading the worker's acks (they make the room).
                WorkerReports.Push p = WorkerReports.Push.decode(f.payload());
                if (queue == null) {
                    log.error(
                            "a push from worker {} (slot {}) was refused: this pool has no built-in queue",
                            id,
                            hello.slot());
                    return;
                }
                Thread.ofVirtual().name("push-from-worker-" + id).start(() -> {
                    try {
                        queue.push(p.queue(), List.of(p.body()), 0);
                    } catch (PushRefusedException e) {
                        log.error("a push from worker {} (slot {}) was refused: {}", id, hello.slot(), e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        log.error("a push from worker {} (slot {}) failed: {}", id, hello.slot(), e.toString());
                    }
                });
            }
            case TASKS -> tasks.submit(Tasks.Calls.decode(f.payload()).calls(), caller.source(), caller.answers());
            default -> log.warn("worker {} sent an unexpected {} frame", id, f.type());
        }
    }
}
