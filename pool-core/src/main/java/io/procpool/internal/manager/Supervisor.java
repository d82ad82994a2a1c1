package io.procpool.internal.manager;

import io.procpool.PoolListener;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.manager.SupervisorEvent.Command;
import io.procpool.internal.manager.SupervisorEvent.Connected;
import io.procpool.internal.manager.SupervisorEvent.Exited;
import io.procpool.internal.manager.SupervisorEvent.Heartbeat;
import io.procpool.internal.manager.SupervisorEvent.Ready;
import io.procpool.internal.manager.SupervisorEvent.RecycleAsked;
import io.procpool.internal.manager.SupervisorEvent.SignalReceived;
import io.procpool.internal.queue.QueueEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's arbiter: every decision about processes (spawn, restart with backoff, rolling reload,
 * recycle, scale, graceful stop, kill at deadlines), taken on events. The worker table, starting
 * workers, the rolling reload and the deadlines are its helpers ({@link WorkerTable},
 * {@link WorkerStarts}, {@link RollingReload}, {@link Watchdog}).
 *
 * <p>Threads: everything here runs on the one supervisor thread, in {@link #run()} (or a test's
 * {@link #step} calls). Other threads talk to it only through {@link #post}: signal handlers, IPC
 * readers, process-exit callbacks and control connections put events on its queue, as Gunicorn's
 * arbiter does.
 */
public final class Supervisor implements WorkerLifecycle.PoolState {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final long TICK_MS = 100;

    private final Clock clock;
    private final List<PoolListener> listeners;
    private final Supplier<PoolConfig> configReloader;
    private final BlockingQueue<SupervisorEvent> events = new LinkedBlockingQueue<>();
    private final WorkerTable table;
    private final WorkerStarts starts;
    private final WorkerLifecycle workers;
    private final RollingReload reload = new RollingReload();
    private final Watchdog watchdog = new Watchdog();
    private final LoopGuard guard = new LoopGuard();
    private final Mailbox mailbox = new Mailbox();
    private final Autoscaler autoscaler = new Autoscaler();
    private final SupervisorControl control = new SupervisorControl(this);
    /** The built-in queue, or null when the pool's source is another. */
    private final QueueEngine queue;
    /** What feeds READY workers: the queue's feed, the router of a manager-run source, or nothing. */
    private WorkerFeed feed;
    /** Counters of a manager-run source for status, or null. */
    private Supplier<Map<String, Object>> sourceStats;

    private PoolConfig config;
    private RestartBackoff backoff;
    private int target;
    private boolean stopping;
    private long stopDeadlineMs;
    private long startedAtMs;
    private long nextTickMs;

    /**
     * The supervisor of one of the manager's groups (a pool without groups has one).
     *
     * @param feed what feeds READY workers (the queue's, or {@link WorkerFeed.Idle} when workers run their own source)
     * @param queue the group's built-in queue, or null when its source is another
     * @param ids the manager's worker numbers, shared by its groups
     */
    Supervisor(
            PoolConfig config,
            WorkerLauncher launcher,
            WorkerFeed feed,
            QueueEngine queue,
            Clock clock,
            List<PoolListener> listeners,
            Supplier<PoolConfig> configReloader,
            WorkerIds ids) {
        this.table = new WorkerTable(ids, this);
        this.config = config;
        this.queue = queue;
        this.feed = feed;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.configReloader = configReloader;
        this.target = config.workers();
        this.backoff = new RestartBackoff(config.restartBackoff(), config.restartMaxBackoff());
        this.starts = new WorkerStarts(launcher, table, clock, this::post);
        this.workers = new WorkerLifecycle(this, table, starts, reload, mailbox, clock, this::notifyListeners);
    }

    /** Hands an event to the supervisor thread; any thread. */
    public void post(SupervisorEvent event) {
        events.add(event);
    }

    /** Runs the pool until it has stopped; returns the manager's exit code. */
    public int run() {
        start();
        while (!finished()) {
            step(TICK_MS);
        }
        return finish();
    }

    /** Starts the pool's first workers. */
    void start() {
        startedAtMs = clock.millis();
        log.info(
                "{} starting: {} worker(s) of {}, source {}",
                config.group() == null ? "pool" : "group " + config.group(),
                target,
                config.consumer(),
                config.sourceType());
        guarded(() -> {
            workers.manageWorkers();
            notifyListeners(PoolListener::onStart);
        });
    }

    /**
     * One turn of the loop: the next event (waiting up to {@code maxWaitMs} for one), then the periodic
     * checks when their time has come. A test calls it with 0 to handle what is queued without waiting.
     */
    void step(long maxWaitMs) {
        SupervisorEvent event;
        try {
            event = maxWaitMs > 0 ? events.poll(maxWaitMs, TimeUnit.MILLISECONDS) : events.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(Duration.ZERO);
            return;
        }
        if (event != null) {
            guarded(() -> handle(event));
        }
        long now = clock.millis();
        if (now >= nextTickMs) {
            nextTickMs = now + TICK_MS;
            guarded(this::tick);
        }
    }

    /** Handles every queued event, then the periodic checks when due; without waiting (tests). */
    void drain() {
        do {
            step(0);
        } while (!events.isEmpty());
    }

    /** True once a stop has begun and every worker is gone. */
    boolean finished() {
        return stopping && table.workers().isEmpty();
    }

    /** Ends the loop: the listeners hear of it; returns the exit code. */
    int finish() {
        log.info("{} stopped", config.group() == null ? "pool" : "group " + config.group());
        notifyListeners(PoolListener::onShutdown);
        return guard.failed() ? ExitCode.SUPERVISOR_FAILED : ExitCode.OK;
    }

    private void tick() {
        long now = clock.millis();
        watchdog.killPastDeadlines(table, config, now);
        if (watchdog.checkMemory(table, config, now, workers::recycle) && queue != null) {
            queue.sampleRates(now);
        }
        advanceReload();
        autoscaler.step(now, this).ifPresent(this::scale);
        workers.manageWorkers();
    }

    /** Runs one step of the loop, through the {@link LoopGuard}. */
    private void guarded(Runnable step) {
        guard.run(step, () -> stop(config.maxWaitTime()), this::killAll);
    }

    /** The guard's last resort: every worker killed, and not waited for, so that the loop ends. */
    private void killAll() {
        stopping = true;
        table.killAll();
    }

    private void handle(SupervisorEvent event) {
        switch (event) {
            case SignalReceived s -> control.signal(s.name());
            case Connected c -> starts.welcome(c, config);
            case Ready r -> workers.markReady(r.workerId());
            case Heartbeat h -> table.record(h.workerId(), h.heartbeat());
            case RecycleAsked r -> workers.recycle(table.worker(r.workerId()), r.reason());
            case Exited e -> {
                workers.reapWorker(e.workerId(), e.exitCode());
                workers.manageWorkers(); // a slot with no backoff is refilled now, not at the next tick
            }
            case Command c -> c.reply().complete(control.execute(c.command()));
            case SupervisorEvent.StatusWanted w -> w.reply().complete(StatusReport.of(this));
        }
    }

    // --- reloading, scaling, stopping ------------------------------------------------------

    /** Rolling reload: one slot at a time, each new worker READY before the old one stops. */
    void reload() {
        if (!stopping) {
            reload.start(target);
        }
    }

    private void advanceReload() {
        if (!stopping) {
            reload.advance(table, workers::spawn);
        }
    }

    /** HUP: rereads the configuration and applies it with a rolling reload. Returns an error or null. */
    String reloadConfig() {
        ConfigReread reread = ConfigReread.of(config, configReloader);
        if (reread.refusal() != null) {
            log.error("{}; the running configuration stays", reread.refusal());
            return reread.refusal();
        }
        config = reread.next();
        backoff = new RestartBackoff(config.restartBackoff(), config.restartMaxBackoff());
        feed.reconfigure(config);
        log.info("configuration reloaded from {}", config.configFile());
        scale(config.autoscale() == null ? config.workers() : target); // autoscaled: kept within the new bounds
        reload();
        return null;
    }

    void scale(int count) {
        if (stopping) {
            return;
        }
        int n = config.autoscale() == null
                ? Math.max(1, Math.min(PoolConfig.MAX_WORKERS, count))
                : Math.max(config.autoscale().min(), Math.min(config.autoscale().max(), count));
        if (n != count) {
            log.warn("cannot scale {}to {} worker(s); staying at {}", WorkerStarts.groupOf(config), count, n);
        }
        if (n != target) {
            log.info("scaling {}from {} to {} worker(s)", WorkerStarts.groupOf(config), target, n);
        }
        target = n;
        workers.manageWorkers();
    }

    /** Graceful stop: no more dispatching, every worker is asked to stop, stragglers killed at the deadline. */
    void stop(Duration timeout) {
        long deadline = clock.millis() + timeout.toMillis();
        if (stopping) {
            stopDeadlineMs = Math.min(stopDeadlineMs, deadline);
        } else {
            stopping = true;
            stopDeadlineMs = deadline;
            reload.cancel();
            feed.stopIntake();
            log.info("stopping {} worker(s), waiting up to {}", table.workers().size(), Units.format(timeout));
        }
        for (WorkerHandle w : new ArrayList<>(table.workers().values())) {
            workers.retireWorker(w);
            w.stopDeadlineMs = Math.min(w.stopDeadlineMs, stopDeadlineMs);
        }
    }

    /** Tells every listener; one that throws is logged, and does not stop the others or the loop. */
    private void notifyListeners(java.util.function.Consumer<PoolListener> call) {
        listeners.forEach(l -> LoopGuard.quietly(() -> call.accept(l), "pool listener " + l));
    }

    // --- read access for StatusReport and the manager ---------------------------------------

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public RestartBackoff backoff() {
        return backoff;
    }

    @Override
    public int target() {
        return target;
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    @Override
    public WorkerFeed feed() {
        return feed;
    }

    boolean reloading() {
        return reload.active();
    }

    long startedAtMs() {
        return startedAtMs;
    }

    long now() {
        return clock.millis();
    }

    WorkerTable table() {
        return table;
    }

    /** Workers get their messages from {@code feed} (a manager-run source's router) instead. Before {@link #run}. */
    void feedFrom(WorkerFeed feed, Supplier<Map<String, Object>> stats) {
        this.feed = feed;
        this.sourceStats = stats;
    }

    Supplier<Map<String, Object>> sourceStats() {
        return sourceStats;
    }

    /** The built-in queue, or null. */
    QueueEngine queue() {
        return queue;
    }

    /** Worker-to-worker messages: IPC readers hand it SEND frames; the supervisor opens and closes slots. */
    Mailbox mailbox() {
        return mailbox;
    }

    Autoscaler autoscaler() {
        return autoscaler;
    }
}
