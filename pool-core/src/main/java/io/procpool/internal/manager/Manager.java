package io.procpool.internal.manager;

import io.procpool.PoolListener;
import io.procpool.internal.Signals;
import io.procpool.internal.config.ConfigException;
import io.procpool.internal.config.ConsumerClassCheck;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.manager.RunDirectory.AlreadyRunningException;
import io.procpool.internal.manager.SupervisorEvent.Command;
import io.procpool.internal.manager.SupervisorEvent.SignalReceived;
import io.procpool.internal.queue.BuiltInQueue;
import io.procpool.internal.queue.PushRefusedException;
import io.procpool.internal.queue.QueueEngine;
import io.procpool.spi.ManagerSource;
import io.procpool.spi.SourceDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The manager process's composition root: takes the run directory, binds {@code ipc.sock} and
 * {@code control.sock}, wires the built-in queue (for a pool whose source it is), the supervisor and servers, routes signals to the
 * supervisor, and runs the supervisor on the calling thread until the pool stops.
 */
public final class Manager {

    /** The signals a manager acts on (the signal table of docs/operations.md). */
    public static final List<String> SIGNALS = List.of("TERM", "INT", "HUP", "USR1", "TTIN", "TTOU");

    private final PoolConfig config;
    private final Supplier<PoolConfig> reloader;
    private final List<PoolListener> listeners;
    private final PrintStream out;
    private final PrintStream err;
    private final WorkerEntry entry;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Supervisor supervisor;
    /** The built-in queue, or null when the pool's source is another. */
    private volatile QueueEngine queue;

    public Manager(
            PoolConfig config,
            Supplier<PoolConfig> reloader,
            List<PoolListener> listeners,
            PrintStream out,
            PrintStream err,
            WorkerEntry entry) {
        this.entry = entry;
        this.config = config;
        this.reloader = reloader;
        this.listeners = List.copyOf(listeners);
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the pool until it stops; returns the exit code.
     *
     * @param handleSignals true for the {@code pool start} process; false when embedded in a
     *     program that owns its own signals
     */
    public int run(boolean handleSignals) throws IOException, AlreadyRunningException {
        if (entry.loadsConsumerByName()) {
            ConsumerClassCheck.verify(config);
        } else if (config.threadIsolation()) {
            throw new ConfigException("isolation: thread needs the consumer named by class in the configuration; "
                    + "a pool embedded in a program runs its workers as processes, but was \"thread\"");
        }
        List<AutoCloseable> closer = new java.util.ArrayList<>();
        try (RunDirectory runDir = RunDirectory.open(config.runDir());
                ServerSocketChannel ipc = runDir.bind("ipc.sock");
                ServerSocketChannel control = runDir.bind("control.sock")) {
            // Only a pool whose source is the built-in queue has one: a push into any other pool is
            // refused, never kept in a queue that nothing consumes.
            BuiltInQueue builtIn = null;
            if (config.queue() != null) {
                builtIn = BuiltInQueue.open(config);
                closer.add(builtIn);
                ServerSocketChannel producers = runDir.bind("queue.sock");
                closer.add(producers);
                new ProducerServer(producers, builtIn.engine()).start();
            }
            QueueEngine queue = builtIn == null ? null : builtIn.engine();
            WorkerFeed feed = builtIn != null ? builtIn.feed() : new WorkerFeed.Idle();
            Supervisor s = new Supervisor(
                    config,
                    config.threadIsolation() ? new ThreadWorkerLauncher() : new JvmWorkerLauncher(out, err, entry),
                    feed,
                    queue,
                    Clock.systemUTC(),
                    listeners,
                    this::rereadChecked);
            ManagerSource source = managerSource(config);
            if (source != null) {
                closer.add(source);
                RequestRouter router = new RequestRouter(config, source::stopAccepting);
                closer.add(0, router::close);
                s.feedFrom(router, () -> {
                    Map<String, Object> stats = new java.util.LinkedHashMap<>(source.stats());
                    stats.putAll(router.stats());
                    return stats;
                });
                router.start();
                try {
                    source.start(router);
                } catch (Exception e) {
                    err.println("[manager] pool start: source " + config.sourceType() + " could not start: "
                            + e.getMessage());
                    return io.procpool.internal.ExitCode.SOURCE_FAILED;
                }
                feed = router;
            }
            new IpcServer(ipc, s, queue, feed).start();
            ControlServer controlServer = new ControlServer(control, s, queue, config.sourceType());
            controlServer.start();
            if (handleSignals) {
                for (String name : SIGNALS) {
                    Signals.handle(name, () -> s.post(new SignalReceived(name)));
                }
            }
            if (builtIn != null) {
                builtIn.start();
            }
            this.queue = queue;
            supervisor = s;
            started.countDown();
            try {
                return s.run();
            } finally {
                if (builtIn != null) {
                    builtIn.engine().close();
                }
                try {
                    controlServer.awaitAnswered(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            started.countDown();
            for (AutoCloseable c : closer) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort at exit
                }
            }
        }
    }

    /**
     * Rereads the configuration for a reload, and checks its consumer class as a start does: a reload
     * to a class that cannot be loaded is refused, instead of putting every new worker in a crash loop.
     */
    private PoolConfig rereadChecked() {
        PoolConfig next = reloader.get();
        if (entry.loadsConsumerByName()) {
            ConsumerClassCheck.verify(next);
        }
        return next;
    }

    /** The manager's instance of a manager-run source that hands requests to the router (TCP in process mode), or null. */
    private static ManagerSource managerSource(PoolConfig config) {
        if (config.queue() != null || config.source().placement() != SourceDefinition.Placement.MANAGER) {
            return null; // the built-in queue feeds workers itself
        }
        return config.source().managerSource();
    }

    /** Pushes into the pool's queue, as {@code pool push} does; any thread. */
    public Map<String, Object> push(String queue, List<byte[]> bodies) throws InterruptedException {
        started.await();
        if (supervisor == null) {
            return Map.of("ok", false, "error", "the pool is not running");
        }
        QueueEngine q = this.queue;
        if (q == null) {
            return Map.of("ok", false, "error", ControlServer.noQueue(config.sourceType()));
        }
        try {
            return Map.of("ok", true, "ids", QueueEngine.ids(q.push(queue, bodies, 0), bodies.size()));
        } catch (PushRefusedException e) {
            return Map.of("ok", false, "error", e.getMessage());
        }
    }

    /** Sends a control command to the running supervisor (what {@code control.sock} does); any thread. */
    public CompletableFuture<Map<String, Object>> command(String name, Map<String, Object> args)
            throws InterruptedException {
        started.await();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        Supervisor s = supervisor;
        if (s == null) {
            reply.complete(Map.of("ok", false, "error", "the pool is not running"));
            return reply;
        }
        try {
            s.post(new Command(ControlCommand.parse(name, args), reply));
        } catch (IllegalArgumentException e) {
            reply.complete(Map.of("ok", false, "error", e.getMessage()));
        }
        return reply;
    }
}
