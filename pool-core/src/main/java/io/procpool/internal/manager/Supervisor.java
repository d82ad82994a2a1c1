package io.procpool.internal.manager;

import io.procpool.internal.ipc.WorkerFeed;
import io.procpool.internal.queue.QueueEngine;

import io.procpool.PoolListener;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.ConfigException;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.Payloads;
import io.procpool.internal.manager.SupervisorEvent.Command;
import io.procpool.internal.manager.SupervisorEvent.Connected;
import io.procpool.internal.manager.SupervisorEvent.Exited;
import io.procpool.internal.manager.SupervisorEvent.Heartbeat;
import io.procpool.internal.manager.SupervisorEvent.Ready;
import io.procpool.internal.manager.SupervisorEvent.RecycleAsked;
import io.procpool.internal.manager.SupervisorEvent.SignalReceived;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's arbiter. Owns the worker table (slots, their workers, successors and retiring
 * workers) and every decision about processes: spawn, restart with backoff, rolling reload,
 * recycle, scale, graceful stop, kill at deadlines.
 *
 * <p>Threads: everything here runs on the one supervisor thread inside {@link #run()}. Other
 * threads talk to it only through {@link #post}: signal handlers, IPC readers, process-exit
 * callbacks and control connections put events on its queue, as Gunicorn's arbiter does.
 */
public final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final long TICK_MS = 100;
    private static final long MEMORY_CHECK_MS = 1_000;
    /** Failed loop steps tolerated while the pool stops gracefully after the first; then workers are killed. */
    private static final int MAX_FAILURES = 3;

    private final WorkerLauncher launcher;
    /** The built-in queue, or null when the pool's source is another. */
    private final QueueEngine queue;
    /** What feeds READY workers: the queue's queue, the router of a manager-run source, or nothing. */
    private WorkerFeed feed;
    private String poolId;
    /** Counters of a manager-run source for status, or null. */
    private java.util.function.Supplier<Map<String, Object>> sourceStats;
    private final Clock clock;
    private final List<PoolListener> listeners;
    private final Supplier<PoolConfig> configReloader;
    private final BlockingQueue<SupervisorEvent> events = new LinkedBlockingQueue<>();
    private final Mailbox mailbox = new Mailbox();
    private final Map<Integer, Slot> slots = new TreeMap<>();
    private final Map<Long, WorkerHandle> workers = new LinkedHashMap<>();
    private final Deque<Integer> reloadQueue = new ArrayDeque<>();
    private RestartBackoff backoff;
    private PoolConfig config;
    private int target;
    private long nextWorkerId = 1;
    private int reloadingSlot = -1;
    private boolean stopping;
    private long stopDeadlineMs;
    private long startedAtMs;
    private long lastMemoryCheckMs;
    /** Counters of workers that have exited, so pool totals do not drop when a worker is replaced. */
    private long exitedProcessed;
    private long exitedFailed;
    /** Loop steps that threw; any makes the exit code SUPERVISOR_FAILED. */
    private int failures;

    /**
     * @param feed what feeds READY workers (the queue, or {@link WorkerFeed#NONE} when workers run their own source)
     * @param queue the built-in queue, or null when the pool's source is another
     */
    public Supervisor(PoolConfig config, WorkerLauncher launcher, WorkerFeed feed, QueueEngine queue, Clock clock,
                      List<PoolListener> listeners, Supplier<PoolConfig> configReloader) {
        this.config = config;
        this.launcher = launcher;
        this.queue = queue;
        this.feed = feed;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.configReloader = configReloader;
        this.target = config.workers();
        this.backoff = new RestartBackoff(config.restartBackoff(), config.restartMaxBackoff());
    }

    /** Hands an event to the supervisor thread; any thread. */
    public void post(SupervisorEvent event) {
        events.add(event);
    }

    /** Runs the pool until it has stopped; returns the manager's exit code. */
    public int run() {
        startedAtMs = clock.millis();
        log.info("pool starting: {} worker(s) of {}, source {}", target, config.consumer(), config.sourceType());
        guarded(() -> {
            manageWorkers();
            notifyListeners(PoolListener::onStart);
        });
        long nextTickMs = 0;
        while (!(stopping && workers.isEmpty())) {
            SupervisorEvent event = nextEvent();
            if (event != null) {
                guarded(() -> handle(event));
            }
            long now = clock.millis();
            if (now >= nextTickMs) {
                nextTickMs = now + TICK_MS;
                guarded(this::tick);
            }
        }
        log.info("pool stopped");
        notifyListeners(PoolListener::onShutdown);
        return failures > 0 ? ExitCode.SUPERVISOR_FAILED : ExitCode.OK;
    }

    private void tick() {
        murderWorkersPastDeadlines();
        checkMemory();
        advanceReload();
        manageWorkers();
    }

    /**
     * Runs one step of the loop. A step that throws is a bug, and a pool whose supervisor cannot be
     * trusted must not go on unsupervised: it is logged and the pool stops gracefully, so workers
     * finish what they run and {@code onStop}; the manager then exits with SUPERVISOR_FAILED. If
     * steps keep failing while it stops, the workers are killed so that the loop still ends.
     */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failures++;
            Throwable last = e;
            if (failures <= MAX_FAILURES) {
                log.error("the supervisor failed; stopping the pool gracefully (exit code {})", ExitCode.SUPERVISOR_FAILED, e);
                try {
                    stop(config.maxWaitTime());
                    return;
                } catch (RuntimeException | Error again) {
                    last = again;
                }
            }
            log.error("the supervisor failed again while stopping ({}); killing {} worker(s)", last, workers.size());
            stopping = true;
            for (WorkerHandle w : workers.values()) {
                try {
                    w.kill();
                } catch (RuntimeException ignored) {
                    // nothing more to do for it
                }
            }
            workers.clear(); // their exits are not waited for: the loop must end
        }
    }

    private SupervisorEvent nextEvent() {
        try {
            return events.poll(TICK_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(Duration.ZERO);
            return null;
        }
    }

    private void handle(SupervisorEvent event) {
        switch (event) {
            case SignalReceived s -> handleSignal(s.name());
            case Connected c -> welcomeWorker(c);
            case Ready r -> markReady(r.workerId());
            case Heartbeat h -> recordHeartbeat(h);
            case RecycleAsked r -> recycle(workers.get(r.workerId()), r.reason());
            case Exited e -> {
                reapWorker(e.workerId(), e.exitCode());
                manageWorkers(); // a slot with no backoff is refilled now, not at the next tick
            }
            case Command c -> c.reply().complete(execute(c.name(), c.args()));
        }
    }

    private void handleSignal(String name) {
        log.info("received SIG{}", name);
        switch (name) {
            case "TERM" -> stop(config.maxWaitTime());
            case "INT" -> {
                if (stopping) {
                    log.warn("second interrupt: stopping now, killing {} worker(s)", workers.size());
                    workers.values().forEach(WorkerHandle::kill);
                } else {
                    log.info("stopping gracefully within {} (press Ctrl-C again to force)", Units.format(config.maxWaitTime()));
                    stop(config.maxWaitTime());
                }
            }
            case "USR1" -> reload();
            case "HUP" -> reloadConfig();
            case "TTIN" -> scale(target + 1);
            case "TTOU" -> scale(target - 1);
            default -> log.warn("ignoring signal {}", name);
        }
    }

    // --- commands from control.sock -------------------------------------------------------

    private Map<String, Object> execute(String name, Map<String, Object> args) {
        try {
            return switch (name) {
                case "status" -> StatusReport.of(this);
                case "stop" -> {
                    Object ms = args.get("timeout_ms");
                    stop(ms == null ? config.maxWaitTime() : Duration.ofMillis(((Number) ms).longValue()));
                    yield ok("stopping");
                }
                case "reload" -> {
                    if (Boolean.TRUE.equals(args.get("config"))) {
                        String error = reloadConfig();
                        yield error == null ? ok("reloading with the reread configuration") : failure(error);
                    }
                    reload();
                    yield ok("reloading");
                }
                case "scale" -> {
                    int n = ((Number) args.get("workers")).intValue();
                    if (n < 1 || n > PoolConfig.MAX_WORKERS) {
                        yield failure("workers must be from 1 to " + PoolConfig.MAX_WORKERS + ", but was " + n);
                    }
                    scale(n);
                    yield ok("scaling to " + n);
                }
                default -> failure("unknown command " + name);
            };
        } catch (RuntimeException e) {
            return failure(name + " failed: " + e);
        }
    }

    private static Map<String, Object> ok(String message) {
        return Map.of("ok", true, "message", message);
    }

    private static Map<String, Object> failure(String error) {
        return Map.of("ok", false, "error", error);
    }

    // --- spawning and reaping ----------------------------------------------------------------

    /** Starts what is missing (empty slots whose backoff has passed) and retires slots above the target. */
    private void manageWorkers() {
        if (stopping) {
            return;
        }
        long now = clock.millis();
        for (int i = 0; i < target; i++) {
            Slot slot = slots.computeIfAbsent(i, Slot::new);
            if (now < slot.nextStartAtMs) {
                continue;
            }
            if (slot.isEmpty()) {
                slot.current = spawnWorker(slot);
            } else if (slot.successor == null && slot.current != null && slot.current.recycleReason != null) {
                slot.successor = spawnWorker(slot);
            }
        }
        for (var it = slots.values().iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (slot.index >= target) {
                retireWorker(slot.current);
                retireWorker(slot.successor);
                it.remove();
                if (reloadingSlot == slot.index) {
                    reloadingSlot = -1; // that reload is over with its slot; the next slot goes on
                }
            }
        }
    }

    private WorkerHandle spawnWorker(Slot slot) {
        long id = nextWorkerId++;
        try {
            WorkerHandle w = new WorkerHandle(id, slot.index, launcher.launch(slot.index, id, config), clock.millis());
            workers.put(id, w);
            w.process.onExit(code -> post(new Exited(id, code)));
            log.info("spawned worker {} in slot {} (pid {})", id, slot.index, w.pid());
            notifyListeners(l -> l.onWorkerStart(slot.index, w.pid()));
            return w;
        } catch (IOException | RuntimeException e) {
            slot.consecutiveFailures++;
            Duration delay = backoff.delayAfter(slot.consecutiveFailures);
            slot.nextStartAtMs = clock.millis() + delay.toMillis();
            log.error("cannot start a worker for slot {}: {}; next try in {}", slot.index, e.getMessage(), Units.format(delay));
            return null;
        }
    }

    private void welcomeWorker(Connected c) {
        WorkerHandle w = workers.get(c.hello().workerId());
        if (w == null) {
            c.connection().close(); // not ours, or already reaped
            return;
        }
        w.connection = c.connection();
        Map<String, String> settings = new TreeMap<>(config.flat());
        settings.put("consumer", config.consumer());
        settings.put("concurrency", Integer.toString(config.concurrency()));
        settings.put("source.type", config.sourceType());
        if (config.queue() != null) {
            settings.put("pool.queue", config.queue().queue()); // what ctx.push may push to
        }
        settings.put("pool.id", poolId());
        w.maxRequests = maxRequestsWithJitter();
        settings.put("worker.max_requests", Long.toString(w.maxRequests));
        settings.putAll(config.retry().asSettings());
        try {
            w.connection.send(FrameType.WELCOME, new Payloads.Welcome(settings).encode());
            if (w.state == WorkerHandle.State.STOPPING) {
                w.connection.send(FrameType.STOP, new byte[0]);
            }
        } catch (IOException e) {
            w.kill();
        }
    }

    /**
     * This pool's name where several pools share a broker (Redis processing lists, stream
     * consumers): the host and a hash of the run directory, so it is the same after a restart.
     */
    private String poolId() {
        if (poolId == null) {
            poolId = computePoolId(); // once: a host name lookup can be slow, and workers start often
        }
        return poolId;
    }

    private String computePoolId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "-" + Integer.toHexString(config.runDir().toAbsolutePath().normalize().toString().hashCode());
    }

    /** Each worker gets its own limit so that workers started together are not recycled together. */
    private long maxRequestsWithJitter() {
        if (config.maxRequests() == 0) {
            return 0;
        }
        long jitter = config.maxRequestsJitter();
        return config.maxRequests() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1));
    }

    private void markReady(long workerId) {
        WorkerHandle w = workers.get(workerId);
        if (w == null || w.state != WorkerHandle.State.STARTING) {
            return;
        }
        w.state = WorkerHandle.State.READY;
        w.readyAtMs = clock.millis();
        log.info("worker {} in slot {} (pid {}) is ready in {} ms", w.id, w.slot, w.pid(), w.readyAtMs - w.spawnedAtMs);
        feed.attach(w.id, w.slot, w.connection);
        mailbox.open(w.id, w.slot, w.connection);
        Slot slot = slots.get(w.slot);
        if (slot != null && slot.successor == w) {
            WorkerHandle old = slot.current;
            slot.current = w;
            slot.successor = null;
            retireWorker(old);
            if (reloadingSlot == slot.index) {
                reloadingSlot = -1;
                advanceReload(); // the next slot starts now, not at the next tick
            }
        }
    }

    private void recordHeartbeat(Heartbeat h) {
        WorkerHandle w = workers.get(h.workerId());
        if (w != null) {
            w.processed = h.heartbeat().processed();
            w.failed = h.heartbeat().failed();
            w.inFlight = h.heartbeat().inFlight();
            w.busySinceMs = h.heartbeat().busySinceEpochMs();
            w.sourceStats = h.heartbeat().source();
        }
    }

    /** A worker exited: account for it, and restart its slot unless it was retired. */
    private void reapWorker(long workerId, int exitCode) {
        WorkerHandle w = workers.remove(workerId);
        if (w == null) {
            return;
        }
        feed.detach(workerId, ExitCode.describe(exitCode), mayBeMessageFault(w, exitCode));
        mailbox.close(workerId, w.slot);
        exitedProcessed += w.processed;
        exitedFailed += w.failed;
        if (w.connection != null) {
            w.connection.close();
        }
        notifyListeners(l -> l.onWorkerExit(w.slot, w.pid(), exitCode));
        long now = clock.millis();
        long uptimeMs = now - w.spawnedAtMs;
        Slot slot = slots.get(w.slot);
        boolean planned = w.state == WorkerHandle.State.STOPPING && !w.killed;
        if (planned || slot == null || (slot.current != w && slot.successor != w)) {
            log.info("worker {} in slot {} (pid {}) {}", w.id, w.slot, w.pid(), ExitCode.describe(exitCode));
            return;
        }
        if (slot.current == w) {
            slot.current = null;
        } else {
            slot.successor = null;
            if (reloadingSlot == slot.index) {
                reloadingSlot = -1;
                log.warn("reload of slot {} failed: its new worker {}; the old worker keeps running", slot.index,
                        ExitCode.describe(exitCode));
            }
        }
        slot.restarts++;
        slot.lastExit = ExitCode.describe(exitCode);
        boolean quick = uptimeMs < config.minUptime().toMillis() || w.state == WorkerHandle.State.STARTING
                || exitCode == ExitCode.CONSUMER_LOAD_FAILED || exitCode == ExitCode.CONSUMER_START_FAILED;
        slot.consecutiveFailures = quick ? slot.consecutiveFailures + 1 : 0;
        Duration delay = backoff.delayAfter(slot.consecutiveFailures);
        slot.nextStartAtMs = now + delay.toMillis();
        if (stopping) {
            return;
        }
        if (quick) {
            log.warn("worker {} in slot {} (pid {}) {} after {} ms; {} quick failure(s) in a row, restarting in {}",
                    w.id, w.slot, w.pid(), slot.lastExit, uptimeMs, slot.consecutiveFailures, Units.format(delay));
        } else {
            log.warn("worker {} in slot {} (pid {}) {}; restarting", w.id, w.slot, w.pid(), slot.lastExit);
        }
    }

    /**
     * Whether a worker's death may be the fault of a message it held: it was killed for
     * message_timeout, or it died on its own (an OutOfMemoryError halt, SIGSEGV, SIGABRT,
     * System.exit(n) in a consumer). A SIGKILL or SIGTERM from outside, or a planned stop, is not.
     */
    private static boolean mayBeMessageFault(WorkerHandle w, int exitCode) {
        if (w.killedForMessageTimeout) {
            return true;
        }
        return !w.killed && w.state != WorkerHandle.State.STOPPING && exitCode != 0 && exitCode != 137 && exitCode != 143
                && exitCode != ExitCode.MANAGER_GONE;
    }

    /** Asks a worker to stop gracefully; it gets no new messages and is killed at its deadline. */
    private void retireWorker(WorkerHandle w) {
        if (w == null || w.state == WorkerHandle.State.STOPPING) {
            return;
        }
        w.state = WorkerHandle.State.STOPPING;
        w.stopDeadlineMs = clock.millis() + config.maxWaitTime().toMillis();
        feed.pause(w.id);
        mailbox.close(w.id, w.slot);
        if (w.connection == null) {
            return; // it gets STOP right after its HELLO
        }
        try {
            w.connection.send(FrameType.STOP, new byte[0]);
        } catch (IOException e) {
            w.kill();
        }
    }

    // --- recycling, reloading, scaling, stopping -------------------------------------------

    /** Replaces a worker gracefully: no new messages for it, a successor starts, then it stops. */
    private void recycle(WorkerHandle w, String reason) {
        if (w == null || w.state != WorkerHandle.State.READY || w.recycleReason != null) {
            return;
        }
        Slot slot = slots.get(w.slot);
        if (slot == null || slot.current != w) {
            return;
        }
        log.info("recycling worker {} in slot {} (pid {}): {}", w.id, w.slot, w.pid(), reason);
        w.recycleReason = reason;
        feed.pause(w.id);
        mailbox.close(w.id, w.slot);
        if (slot.successor == null && !stopping) {
            slot.successor = spawnWorker(slot);
        }
    }

    /** Rolling reload: one slot at a time, each new worker READY before the old one stops. */
    private void reload() {
        if (stopping) {
            return;
        }
        reloadQueue.clear();
        for (int i = 0; i < target; i++) {
            reloadQueue.add(i);
        }
        log.info("rolling reload of {} worker(s)", target);
    }

    private void advanceReload() {
        if (stopping || reloadingSlot != -1 || reloadQueue.isEmpty()) {
            return;
        }
        int index = reloadQueue.poll();
        Slot slot = slots.get(index);
        if (slot == null || slot.current == null || slot.successor != null) {
            return; // empty slots start with the new configuration anyway
        }
        slot.successor = spawnWorker(slot);
        if (slot.successor != null) {
            reloadingSlot = index;
        }
    }

    /** HUP: rereads the configuration and applies it with a rolling reload. Returns an error or null. */
    private String reloadConfig() {
        PoolConfig next;
        try {
            next = configReloader.get();
        } catch (ConfigException e) {
            log.error("configuration reload failed, keeping the running configuration: {}", e.getMessage());
            return "configuration reload failed: " + e.getMessage();
        }
        List<String> restartOnly = RestartOnlySettings.changed(config, next);
        if (!restartOnly.isEmpty()) {
            String refusal = RestartOnlySettings.refusal(restartOnly);
            log.error(refusal);
            return refusal;
        }
        config = next;
        backoff = new RestartBackoff(config.restartBackoff(), config.restartMaxBackoff());
        feed.reconfigure(config);
        log.info("configuration reloaded from {}", config.configFile());
        scale(config.workers());
        reload();
        return null;
    }

    private void scale(int workers) {
        if (stopping) {
            return;
        }
        int n = Math.max(1, Math.min(PoolConfig.MAX_WORKERS, workers));
        if (n != workers) {
            log.warn("cannot scale to {} worker(s); staying at {}", workers, n);
        }
        if (n != target) {
            log.info("scaling from {} to {} worker(s)", target, n);
        }
        target = n;
        manageWorkers();
    }

    /** Graceful stop: no more dispatching, every worker is asked to stop, stragglers killed at the deadline. */
    private void stop(Duration timeout) {
        long deadline = clock.millis() + timeout.toMillis();
        if (stopping) {
            stopDeadlineMs = Math.min(stopDeadlineMs, deadline);
        } else {
            stopping = true;
            stopDeadlineMs = deadline;
            reloadQueue.clear();
            feed.stopIntake();
            log.info("stopping {} worker(s), waiting up to {}", workers.size(), Units.format(timeout));
        }
        for (WorkerHandle w : new ArrayList<>(workers.values())) {
            retireWorker(w);
            w.stopDeadlineMs = Math.min(w.stopDeadlineMs, stopDeadlineMs);
        }
    }

    private void murderWorkersPastDeadlines() {
        long now = clock.millis();
        for (WorkerHandle w : workers.values()) {
            if (w.killed) {
                continue;
            }
            if (w.state == WorkerHandle.State.STOPPING && now >= w.stopDeadlineMs) {
                log.warn("worker {} in slot {} (pid {}) did not stop within its deadline; killing it", w.id, w.slot, w.pid());
                w.kill();
            } else if (w.state == WorkerHandle.State.STARTING && now - w.spawnedAtMs > config.startupTimeout().toMillis()) {
                log.warn("worker {} in slot {} (pid {}) was not ready within startup_timeout {}; killing it",
                        w.id, w.slot, w.pid(), Units.format(config.startupTimeout()));
                w.kill();
            } else if (w.state == WorkerHandle.State.READY && !config.messageTimeout().isZero() && w.busySinceMs > 0
                    && clock.millis() - w.busySinceMs > config.messageTimeout().toMillis()) {
                log.warn("worker {} in slot {} (pid {}) has been in one message for over message_timeout {}; killing it",
                        w.id, w.slot, w.pid(), Units.format(config.messageTimeout()));
                w.killedForMessageTimeout = true;
                w.kill();
            }
        }
    }

    private void checkMemory() {
        long now = clock.millis();
        if (now - lastMemoryCheckMs < MEMORY_CHECK_MS) {
            return;
        }
        lastMemoryCheckMs = now;
        if (queue != null) {
            queue.sampleRates(now);
        }
        for (WorkerHandle w : new ArrayList<>(workers.values())) {
            w.rssBytes = ProcessMemory.rssBytes(w.pid());
            if (config.maxMemoryBytes() > 0 && w.rssBytes > config.maxMemoryBytes()) {
                recycle(w, "RSS " + (w.rssBytes >> 20) + " MiB is over max_memory " + (config.maxMemoryBytes() >> 20) + " MiB");
            }
        }
    }

    private void notifyListeners(java.util.function.Consumer<PoolListener> call) {
        for (PoolListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("pool listener {} threw", l, e);
            }
        }
    }

    // --- read access for StatusReport (supervisor thread) ------------------------------------

    PoolConfig config() {
        return config;
    }

    int target() {
        return target;
    }

    boolean stopping() {
        return stopping;
    }

    boolean reloading() {
        return reloadingSlot != -1 || !reloadQueue.isEmpty();
    }

    long startedAtMs() {
        return startedAtMs;
    }

    long now() {
        return clock.millis();
    }

    Map<Integer, Slot> slots() {
        return slots;
    }

    Map<Long, WorkerHandle> workers() {
        return workers;
    }

    long exitedProcessed() {
        return exitedProcessed;
    }

    long exitedFailed() {
        return exitedFailed;
    }

    /** Workers get their messages from {@code feed} (a manager-run source's router) instead of the queue. Before {@link #run}. */
    void feedFrom(WorkerFeed feed, java.util.function.Supplier<Map<String, Object>> stats) {
        this.feed = feed;
        this.sourceStats = stats;
    }

    java.util.function.Supplier<Map<String, Object>> sourceStats() {
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
}
