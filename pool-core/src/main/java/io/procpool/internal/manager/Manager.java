package io.procpool.internal.manager;

import io.procpool.PoolListener;
import io.procpool.internal.ExitCode;
import io.procpool.internal.Signals;
import io.procpool.internal.config.ConfigException;
import io.procpool.internal.config.ConsumerClassCheck;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.PoolLayout;
import io.procpool.internal.config.TaskSettings;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.manager.RunDirectory.AlreadyRunningException;
import io.procpool.internal.queue.BuiltInQueue;
import io.procpool.internal.queue.IdRanges;
import io.procpool.internal.queue.PushRefusedException;
import io.procpool.internal.queue.QueueEngine;
import io.procpool.internal.task.TaskGroups;
import io.procpool.internal.task.TaskIntake;
import io.procpool.spi.ManagerSource;
import io.procpool.spi.SourceDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The manager process's composition root: takes the run directory, binds {@code ipc.sock} and
 * {@code control.sock}, wires the built-in queue (for the groups whose source it is), one supervisor per
 * group with its feed or manager-run source, and the servers; routes signals to the supervisors, and
 * runs them until the pool stops (the first group's on the calling thread).
 */
public final class Manager {

    /** The signals a manager acts on (the signal table of docs/operations.md). */
    public static final List<String> SIGNALS = List.of("TERM", "INT", "HUP", "USR1", "TTIN", "TTOU");

    private final PoolLayout layout;
    private final Supplier<PoolLayout> reloader;
    private final List<PoolListener> listeners;
    private final PrintStream out;
    private final PrintStream err;
    private final WorkerEntry entry;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile GroupSupervisors supervisors;
    /** The built-in queue, or null when no group reads it. */
    private volatile BuiltInQueue queue;

    /** A manager of one group: an embedded pool's. */
    public Manager(
            PoolConfig config,
            Supplier<PoolConfig> reloader,
            List<PoolListener> listeners,
            PrintStream out,
            PrintStream err,
            WorkerEntry entry) {
        this(
                new PoolLayout(List.of(config)),
                () -> new PoolLayout(List.of(reloader.get())),
                listeners,
                out,
                err,
                entry);
    }

    public Manager(
            PoolLayout layout,
            Supplier<PoolLayout> reloader,
            List<PoolListener> listeners,
            PrintStream out,
            PrintStream err,
            WorkerEntry entry) {
        this.entry = entry;
        this.layout = layout;
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
    public int run(boolean handleSignals) throws IOException, AlreadyRunningException, InterruptedException {
        for (PoolConfig g : layout.groups()) {
            if (entry.loadsConsumerByName()) {
                ConsumerClassCheck.verify(g);
            } else if (g.threadIsolation()) {
                throw new ConfigException("isolation: thread needs the consumer named by class in the configuration; "
                        + "a pool embedded in a program runs its workers as processes, but was \"thread\"");
            }
        }
        PoolConfig first = layout.first();
        List<AutoCloseable> closer = new ArrayList<>();
        try (RunDirectory runDir = RunDirectory.open(first.runDir());
                ServerSocketChannel ipc = runDir.bind("ipc.sock");
                ServerSocketChannel control = runDir.bind("control.sock")) {
            // Only a pool with a group on the built-in queue has one: a push into any other pool is
            // refused, never kept in a queue that nothing consumes.
            List<PoolConfig> queueGroups =
                    layout.groups().stream().filter(g -> g.queue() != null).toList();
            BuiltInQueue builtIn = null;
            if (!queueGroups.isEmpty()) {
                builtIn = BuiltInQueue.open(queueGroups);
                closer.add(builtIn);
                ServerSocketChannel producers = runDir.bind("queue.sock");
                closer.add(producers);
                new ProducerServer(producers, builtIn).start();
            }
            WorkerIds ids = new WorkerIds();
            TaskGroups tasks = new TaskGroups();
            Map<String, Supervisor> groups = new LinkedHashMap<>();
            for (PoolConfig g : layout.groups()) {
                Supervisor s = supervisor(g, builtIn, ids, groups.isEmpty() ? listeners : List.of());
                if (!startSource(g, s, closer, tasks)) {
                    return ExitCode.SOURCE_FAILED;
                }
                groups.put(g.groupName(), s);
            }
            GroupSupervisors all = new GroupSupervisors(groups);
            HandlingHistograms handlingTimes = new HandlingHistograms();
            IpcFrameCounts frames = new IpcFrameCounts();
            new IpcServer(ipc, ids, builtIn, tasks, handlingTimes, frames).start();
            ControlServer controlServer = new ControlServer(control, all, builtIn, first.sourceType());
            controlServer.start();
            if (first.admin().on()) {
                AdminServer admin = new AdminServer(first.admin(), all, handlingTimes, frames);
                closer.add(0, admin);
                try {
                    admin.start();
                } catch (IOException e) {
                    err.println("[manager] pool start: http.listen "
                            + first.admin().shownListen() + " could not be bound: " + e.getMessage());
                    return ExitCode.SOURCE_FAILED;
                }
            }
            if (handleSignals) {
                for (String name : SIGNALS) {
                    Signals.handle(name, () -> all.signal(name));
                }
            }
            if (builtIn != null) {
                builtIn.start();
            }
            this.queue = builtIn;
            supervisors = all;
            started.countDown();
            try {
                return all.run();
            } finally {
                if (builtIn != null) {
                    builtIn.closeEngines();
                }
                controlServer.awaitAnswered(1_000);
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

    /** The supervisor of group {@code g}, fed by its queue when it reads one. */
    private Supervisor supervisor(PoolConfig g, BuiltInQueue builtIn, WorkerIds ids, List<PoolListener> listeners) {
        QueueEngine engine = g.queue() == null ? null : builtIn.engine(g.queueName());
        WorkerFeed feed = engine == null ? new WorkerFeed.Idle() : builtIn.feed(g.queueName());
        return new Supervisor(
                g,
                g.threadIsolation() ? new ThreadWorkerLauncher() : new JvmWorkerLauncher(out, err, entry),
                feed,
                engine,
                Clock.systemUTC(),
                listeners,
                () -> rereadChecked(g.groupName()),
                ids);
    }

    /**
     * Starts group {@code g}'s manager-run source, if it has one, feeding {@code s}; a task group's joins
     * {@code tasks}. False when it cannot start.
     */
    private boolean startSource(PoolConfig g, Supervisor s, List<AutoCloseable> closer, TaskGroups tasks) {
        ManagerSource source = managerSource(g);
        if (source == null) {
            return true;
        }
        closer.add(source);
        RequestRouter router = new RequestRouter(g, source::stopAccepting);
        if (source instanceof TaskIntake intake) {
            intake.runsWhen(router::hasWorker);
            tasks.add(intake);
        }
        closer.add(0, router::close);
        s.feedFrom(router, () -> {
            Map<String, Object> stats = new LinkedHashMap<>(source.stats());
            stats.putAll(router.stats());
            return stats;
        });
        router.start();
        try {
            source.start(router);
            return true;
        } catch (Exception e) {
            err.println("[manager] pool start: " + (g.group() == null ? "" : "group " + g.group() + ": ") + "source "
                    + g.sourceType() + " could not start: " + e.getMessage());
            return false;
        }
    }

    /**
     * Rereads the configuration for a reload of group {@code name}, and checks its consumer class as a
     * start does: a reload to a class that cannot be loaded is refused, instead of putting every new
     * worker in a crash loop. Groups added or removed need a restart: the reread is refused.
     */
    private PoolConfig rereadChecked(String name) {
        PoolLayout next = reloader.get();
        if (!next.names().equals(layout.names())) {
            throw new ConfigException("groups: " + String.join(", ", layout.names()) + " -> "
                    + String.join(", ", next.names()) + ": adding, removing or reordering groups needs a restart of "
                    + "the pool (pool stop, then pool start)");
        }
        PoolConfig g = next.group(name);
        if (entry.loadsConsumerByName()) {
            ConsumerClassCheck.verify(g);
        }
        return g;
    }

    /** The manager's instance of a manager-run source that hands requests to the router (TCP in process mode, a task group), or null. */
    private static ManagerSource managerSource(PoolConfig config) {
        if (config.queue() != null || config.source().placement() != SourceDefinition.Placement.MANAGER) {
            return null; // the built-in queue feeds workers itself
        }
        if (config.source() instanceof TaskSettings settings) {
            return new TaskIntake(config.groupName(), settings);
        }
        return config.source().managerSource();
    }

    /** Pushes into the pool's queue, as {@code pool push} does; any thread. */
    public Map<String, Object> push(String queue, List<byte[]> bodies) throws InterruptedException {
        started.await();
        if (supervisors == null) {
            return Map.of("ok", false, "error", "the pool is not running");
        }
        BuiltInQueue q = this.queue;
        if (q == null) {
            return Map.of(
                    "ok", false, "error", ControlServer.noQueue(layout.first().sourceType()));
        }
        try {
            return Map.of("ok", true, "ids", IdRanges.asText(q.push(queue, bodies, 0), bodies.size()));
        } catch (PushRefusedException e) {
            return Map.of("ok", false, "error", e.getMessage());
        }
    }

    /** Sends a control command to the running supervisors (what {@code control.sock} does); any thread. */
    public CompletableFuture<Map<String, Object>> command(String name, Map<String, Object> args)
            throws InterruptedException {
        started.await();
        GroupSupervisors s = supervisors;
        if (s == null) {
            return CompletableFuture.completedFuture(Map.of("ok", false, "error", "the pool is not running"));
        }
        try {
            return s.command(ControlCommand.parse(name, args));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Map.of("ok", false, "error", e.getMessage()));
        }
    }
}
