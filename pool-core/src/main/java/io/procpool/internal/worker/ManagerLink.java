package io.procpool.internal.worker;

import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.HandlingTimes;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.internal.ipc.Outcomes;
import io.procpool.internal.ipc.Tasks;
import io.procpool.internal.ipc.WorkerReports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A worker's end of its IPC connection once the handshake is done: reads the manager's frames and hands
 * deliveries to the {@link DeliveryRunner} and task results to its {@link TaskCalls}, sends outcomes,
 * replies, tasks, heartbeats and the recycle request.
 * Losing the connection is reported once to the worker's lifecycle, which decides what it means.
 *
 * <p>Threads: the "ipc-reader" thread runs {@link #readLoop}, the "heartbeat" thread {@link #heartbeatLoop};
 * the runner's threads send outcomes; {@link IpcConnection} serializes the writes.
 */
final class ManagerLink {

    static final long HEARTBEAT_MS = 200;

    private final IpcConnection connection;
    private final Logger log;
    /** A STOP frame: stop gracefully. */
    private final Runnable onStop;
    /** The connection failed or closed: the manager died, or the worker closed its own end. */
    private final Runnable onLost;

    private final TaskCalls tasks;
    private volatile DeliveryRunner runner;
    private volatile Supplier<Map<String, String>> sourceStats = Map::of;

    ManagerLink(IpcConnection connection, Logger log, Runnable onStop, Runnable onLost) {
        this.connection = connection;
        this.log = log;
        this.onStop = onStop;
        this.onLost = onLost;
        this.tasks = new TaskCalls(calls -> send(FrameType.TASKS, new Tasks.Calls(calls).encode()));
    }

    /** This worker's task calls ({@code ctx.task}), whose results come over this link. */
    TaskCalls tasks() {
        return tasks;
    }

    /** The runner that deliveries go to; before {@link #readLoop} starts. */
    void deliverTo(DeliveryRunner runner) {
        this.runner = runner;
    }

    /** The counters of the source this worker runs itself, reported with each heartbeat. */
    void reportSourceStats(Supplier<Map<String, String>> stats) {
        this.sourceStats = stats;
    }

    void readLoop() {
        try {
            while (true) {
                Frame f = connection.readFrame();
                switch (f.type()) {
                    case DELIVER -> {
                        Deliveries.Deliver deliver = Deliveries.Deliver.decode(f.payload());
                        runner.offer(deliver.deliveries(), deliver.replies());
                    }
                    case DELIVER_RUNS -> runner.offer(Deliveries.DeliverRuns.decode(f.payload()));
                    case TASK_RESULTS ->
                        tasks.complete(Tasks.Results.decode(f.payload()).results());
                    case STOP -> onStop.run();
                    default -> log.warn("ignoring unexpected frame {} from the manager", f.type());
                }
            }
        } catch (IOException | RuntimeException e) {
            onLost.run();
        }
    }

    void heartbeatLoop() {
        while (true) {
            try {
                Thread.sleep(HEARTBEAT_MS);
                DeliveryRunner r = runner;
                r.flushOutcomes();
                connection.send(
                        FrameType.HEARTBEAT,
                        new WorkerReports.Heartbeat(
                                        r.processed(),
                                        r.failed(),
                                        r.inFlight(),
                                        r.busySinceEpochMs(),
                                        sourceStats.get(),
                                        r.ownTimes())
                                .encode());
            } catch (InterruptedException | IOException e) {
                return;
            }
        }
    }

    /** The runner's batched results: replies first, since a delivery's ack ends its replies. */
    void sendOutcomes(List<Outcomes.Reply> replies, List<Outcomes.Outcome> outcomes, HandlingTimes times) {
        try {
            if (!replies.isEmpty()) {
                connection.send(FrameType.REPLIES, new Outcomes.Replies(replies).encode());
            }
            if (!outcomes.isEmpty()) {
                connection.send(FrameType.ACK, new Outcomes.Ack(outcomes, times).encode());
            }
        } catch (IOException e) {
            onLost.run();
        }
    }

    /** {@code max_requests} reached: asks the manager for a replacement. */
    void askForRecycle() {
        send(FrameType.RECYCLE, new WorkerReports.Recycle("max_requests reached").encode());
    }

    void send(FrameType type, byte[] payload) {
        try {
            connection.send(type, payload);
        } catch (IOException e) {
            onLost.run();
        }
    }

    /** A frame the consumer asked for ({@code ctx.send}, {@code ctx.push}): a lost manager is its exception. */
    void sendForConsumer(FrameType type, byte[] payload) {
        try {
            connection.send(type, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("the manager is gone", e);
        }
    }
}
