package io.procpool.internal.worker;

import io.procpool.Consumer;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.SourceProviders;
import io.procpool.internal.config.WorkerSettings;
import io.procpool.internal.ipc.Frame;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.Handshake;
import io.procpool.internal.ipc.IpcConnection;
import io.procpool.spi.Request;
import io.procpool.spi.RequestSink;
import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;
import io.procpool.spi.WorkerSource;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one worker process: connect to the manager, HELLO, load the consumer,
 * {@code onStart}, READY, receive and run messages (or run the consumer's loop), then stop
 * gracefully on STOP or SIGTERM: finish in-flight messages, {@code onStop}, exit.
 *
 * <p>Threads: the main thread runs the lifecycle; the "ipc-reader" thread reads frames (an EOF
 * there means the manager died, and the worker halts at once so that no orphan remains); the
 * "heartbeat" thread reports counters; both are its {@link ManagerLink}'s.
 */
public final class WorkerRuntime {

    private final Path ipcSocket;
    private final int slot;
    /** The source this worker runs itself (Redis, TCP base mode), or null. */
    private volatile WorkerSource ownSource;

    private final long workerId;
    /** A consumer made by the program itself (embedded pools), or null to load the configured class. */
    private final Consumer given;

    /** False for a worker that is a thread of the manager ({@code isolation: thread}): it must never end the JVM. */
    private final boolean ownProcess;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    /** A thread worker the manager killed: it ends at once, without finishing its messages or onStop. */
    private volatile boolean aborted;

    private volatile Thread lifecycleThread;
    /** Set when this worker closes its own connection at its end: only then is an EOF not the manager's death. */
    private volatile boolean closingConnection;

    private Logger log;
    private IpcConnection connection;
    private ManagerLink link;
    private DeliveryRunner runner;

    WorkerRuntime(Path ipcSocket, int slot, long workerId) {
        this(ipcSocket, slot, workerId, null, true);
    }

    private WorkerRuntime(Path ipcSocket, int slot, long workerId, Consumer given, boolean ownProcess) {
        this.ipcSocket = ipcSocket;
        this.slot = slot;
        this.workerId = workerId;
        this.given = given;
        this.ownProcess = ownProcess;
    }

    /**
     * A worker that is a thread of the manager's JVM ({@code isolation: thread}); {@link #run()} on the
     * thread that is the worker, with the consumer's class loader as its context class loader.
     */
    public static WorkerRuntime inThread(Path ipcSocket, int slot, long workerId) {
        return new WorkerRuntime(ipcSocket, slot, workerId, null, false);
    }

    /** The system property that makes a re-run of an embedding program's main a worker: {@code <ipc>,<slot>,<id>}. */
    public static final String WORKER_PROPERTY = "procpool.worker";

    /**
     * Runs this JVM as the worker that {@link #WORKER_PROPERTY} names, with a consumer the
     * program made itself (a lambda, a method reference), and returns the exit code.
     */
    public static int runEmbedded(String spec, Consumer consumer) {
        String[] parts = spec.split(",");
        return new WorkerRuntime(
                        Path.of(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]), consumer, true)
                .runWithSignals();
    }

    /**
     * Runs the worker with its signal handling: Ctrl-C in a terminal reaches the whole process
     * group, but the manager decides how its workers stop, so a worker ignores INT and treats
     * TERM as "stop gracefully".
     */
    int runWithSignals() {
        io.procpool.internal.Signals.ignore("INT");
        io.procpool.internal.Signals.handle("TERM", this::requestStop);
        return run();
    }

    /** Runs the worker to its end; returns the process's exit code (a thread worker's: its end's). */
    public int run() {
        lifecycleThread = Thread.currentThread();
        try {
            return lifecycle();
        } finally {
            if (!ownProcess) {
                // A process's end closes all it opened; a thread must close it itself, on every way out.
                if (runner != null) {
                    runner.close();
                }
                closingConnection = true;
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    /**
     * A thread worker killed by the manager (a stuck message, a start that took too long, the end of a
     * stop's wait): its lifecycle ends at once, its in-flight messages are the manager's to deliver again.
     * A consumer that ignores interrupts keeps its own thread until it returns. Any thread.
     */
    public void abort() {
        aborted = true;
        stopping = true;
        // The connection first, as a SIGKILL would: what the consumer was doing reports nothing more.
        closingConnection = true;
        IpcConnection c = connection;
        if (c != null) {
            c.close();
        }
        stopRequested.countDown();
        if (runner != null) {
            runner.close();
        }
        Thread t = lifecycleThread;
        if (t != null) {
            t.interrupt();
        }
    }

    private int lifecycle() {
        log = LoggerFactory.getLogger("worker");
        WorkerSettings settings;
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(ipcSocket));
            connection = new IpcConnection(ch);
            connection.send(
                    FrameType.HELLO,
                    new Handshake.Hello(workerId, slot, ProcessHandle.current().pid()).encode());
            Frame welcome = connection.readFrame();
            if (welcome.type() != FrameType.WELCOME) {
                System.err.println("worker: expected WELCOME from the manager, got " + welcome.type());
                return ExitCode.WORKER_BOOT_FAILED;
            }
            settings = Handshake.Welcome.decode(welcome.payload()).settings();
        } catch (IOException | RuntimeException e) {
            System.err.println("worker: cannot reach the manager at " + ipcSocket + ": " + e);
            return ExitCode.WORKER_BOOT_FAILED;
        }

        SourceDefinition source;
        try {
            source = defineSource(settings);
        } catch (SourceConfigException | RuntimeException e) {
            log.error("source {} cannot run in this worker: {}", settings.sourceType(), e.getMessage());
            return ExitCode.SOURCE_FAILED;
        }
        Consumer consumer;
        try {
            consumer = given != null ? given : ConsumerLoader.load(settings.consumer());
        } catch (ConsumerLoader.LoadException e) {
            log.error(e.getMessage(), e.getCause());
            return ExitCode.CONSUMER_LOAD_FAILED;
        }
        link = new ManagerLink(connection, log, this::requestStop, this::managerGone);
        ConnectedWorkerContext ctx = new ConnectedWorkerContext(
                slot, settings, link, () -> stopping, LoggerFactory.getLogger(consumer.getClass()));
        runner = new DeliveryRunner(
                consumer,
                ctx,
                settings.concurrency(),
                settings.maxRequests(),
                settings.ackBatch(),
                new MessageRetry(settings.retry(), log),
                link::sendOutcomes,
                link::askForRecycle);
        link.deliverTo(runner);
        link.reportSourceStats(this::ownSourceStats);
        Thread reader = helperThread("ipc-reader").start(link::readLoop);
        try {
            consumer.onStart(ctx);
        } catch (Exception | LinkageError e) {
            log.error(
                    "consumer {}.onStart threw; the manager will restart this worker with backoff",
                    consumer.getClass().getName(),
                    e);
            return ExitCode.CONSUMER_START_FAILED;
        }
        runner.start();
        try {
            if (source.placement() == SourceDefinition.Placement.WORKERS) {
                ownSource = startOwnSource(source, settings.poolId(), slot);
            }
        } catch (Exception e) {
            log.error("source {} could not start in this worker: {}", settings.sourceType(), e.toString());
            return ExitCode.SOURCE_FAILED;
        }
        helperThread("heartbeat").start(link::heartbeatLoop);
        try {
            connection.send(FrameType.READY, new byte[0]);
        } catch (IOException e) {
            return ExitCode.MANAGER_GONE;
        }

        int code = ExitCode.OK;
        try {
            if (source.placement() == SourceDefinition.Placement.NONE) {
                code = runLoop(consumer, ctx);
            } else {
                stopRequested.await();
            }
            stopping = true;
            if (ownSource != null) {
                ownSource.stopAccepting();
            }
            if (aborted) {
                return ExitCode.KILLED;
            }
            runner.awaitIdle();
            consumer.onStop(ctx);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("consumer {}.onStop threw", consumer.getClass().getName(), e);
        }
        if (ownSource != null) {
            ownSource.close();
        }
        runner.close();
        closingConnection = true;
        reader.interrupt();
        connection.close();
        return aborted ? ExitCode.KILLED : code;
    }

    /** The counters of the source this worker runs itself, as text; empty when the manager feeds it. */
    private Map<String, String> ownSourceStats() {
        WorkerSource source = ownSource;
        if (source == null) {
            return Map.of();
        }
        Map<String, String> text = new java.util.LinkedHashMap<>();
        source.stats().forEach((k, v) -> text.put(k, String.valueOf(v)));
        return text;
    }

    /** The pool's source as this worker reads it from the settings the manager sent (validated there already). */
    private static SourceDefinition defineSource(WorkerSettings settings) throws SourceConfigException {
        SourceSettings source = settings.source();
        SourceProvider provider = SourceProviders.find(source.type());
        if (provider == null) {
            throw new IllegalStateException("no module on this worker's classpath serves source type " + source.type());
        }
        return provider.define(source);
    }

    /**
     * Starts the source this worker runs itself (TCP in base mode, Redis, Kafka), whose
     * requests run on this worker's delivery path.
     */
    private WorkerSource startOwnSource(SourceDefinition source, String poolId, int slot) throws Exception {
        WorkerSource ws = source.workerSource(poolId);
        ws.start(
                new RequestSink() {
                    @Override
                    public void submit(Request request) {
                        runner.offerLocal(request);
                    }

                    @Override
                    public void submitAll(List<? extends Request> requests) {
                        runner.offerLocal(requests);
                    }
                },
                slot);
        return ws;
    }

    private int runLoop(Consumer consumer, ConnectedWorkerContext ctx) {
        try {
            consumer.run(ctx);
            return ExitCode.OK;
        } catch (Exception e) {
            log.error(
                    "consumer {}.run threw; the worker exits and is replaced",
                    consumer.getClass().getName(),
                    e);
            return ExitCode.CONSUMER_LOOP_FAILED;
        }
    }

    /**
     * A thread of this worker's own (IPC reader, heartbeat): a platform daemon in a worker process; a
     * virtual thread in a thread worker, which would otherwise add two platform threads, their stacks
     * and allocation buffers, to the manager per worker.
     */
    private Thread.Builder helperThread(String name) {
        return ownProcess
                ? Thread.ofPlatform().name(name).daemon()
                : Thread.ofVirtual().name(name + "-" + slot);
    }

    /** Asks the worker to stop gracefully; from STOP, SIGTERM, or any thread. */
    void requestStop() {
        stopping = true;
        if (runner != null) {
            runner.releaseUnstarted();
        }
        stopRequested.countDown();
    }

    /**
     * The manager died (its end of the socket closed): halt now, without shutdown hooks or
     * onStop, because a worker without a manager is an orphan nobody supervises and its
     * unacked messages are redelivered elsewhere anyway. Also while stopping: a worker busy
     * finishing its messages would otherwise outlive its manager, killed at no deadline.
     */
    private void managerGone() {
        if (closingConnection) {
            return; // our own end of the connection, closed as the worker ends
        }
        if (!ownProcess) {
            abort(); // a thread of the manager: its connection closed because the manager killed it
            return;
        }
        System.err.println("worker: lost the manager (IPC socket closed); exiting");
        Runtime.getRuntime().halt(ExitCode.MANAGER_GONE);
    }
}
