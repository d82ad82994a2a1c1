package io.procpool.internal.manager;

import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import io.procpool.internal.config.WorkerSettings;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.Handshake;
import io.procpool.internal.manager.SupervisorEvent.Connected;
import io.procpool.internal.manager.SupervisorEvent.Exited;
import io.procpool.spi.SourceDefinition;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker comes to life: its process is launched into a slot (a failed launch backs the slot
 * off), and when it connects and says HELLO it is sent its WELCOME: the configuration it runs with,
 * the pool's id and its own {@code max_requests}. Supervisor thread only.
 */
final class WorkerStarts {

    private static final Logger log = LoggerFactory.getLogger(WorkerStarts.class);

    private final WorkerLauncher launcher;
    private final WorkerTable table;
    private final Clock clock;
    /** Where a worker's exit is posted, from the thread that sees it. */
    private final Consumer<SupervisorEvent> post;

    private String poolId;

    WorkerStarts(WorkerLauncher launcher, WorkerTable table, Clock clock, Consumer<SupervisorEvent> post) {
        this.launcher = launcher;
        this.table = table;
        this.clock = clock;
        this.post = post;
    }

    /**
     * Launches a worker for {@code slot}, one of {@code workers}; null when it could not be started, and
     * the slot waits its backoff.
     */
    WorkerHandle spawn(Slot slot, PoolConfig config, RestartBackoff backoff, int workers) {
        long id = table.nextWorkerId();
        try {
            WorkerHandle w =
                    new WorkerHandle(id, slot.index, launcher.launch(slot.index, id, config, workers), clock.millis());
            table.add(w);
            w.process.onExit(code -> post.accept(new Exited(id, code)));
            log.info("spawned worker {} in {}slot {} (pid {})", id, groupOf(config), slot.index, w.pid());
            return w;
        } catch (IOException | RuntimeException e) {
            table.remove(id); // its number names no one
            slot.consecutiveFailures++;
            Duration delay = backoff.delayAfter(slot.consecutiveFailures);
            slot.nextStartAtMs = clock.millis() + delay.toMillis();
            log.error(
                    "cannot start a worker for {}slot {}: {}; next try in {}",
                    groupOf(config),
                    slot.index,
                    e.getMessage(),
                    Units.format(delay));
            return null;
        }
    }

    /** A worker said HELLO: it gets its WELCOME (and STOP at once if it was asked to stop meanwhile). */
    void welcome(Connected c, PoolConfig config) {
        WorkerHandle w = table.worker(c.hello().workerId());
        if (w == null) {
            c.connection().close(); // not ours, or already reaped
            return;
        }
        w.connection = c.connection();
        w.maxRequests = maxRequestsWithJitter(config);
        Map<String, String> flat = new TreeMap<>(config.flat());
        flat.put("source.type", config.sourceType());
        SourceDefinition source = config.source();
        int prefetch = source.placement() == SourceDefinition.Placement.MANAGER
                ? source.prefetch()
                : PoolConfig.DEFAULT_PREFETCH;
        var settings = new WorkerSettings(
                config.consumer(),
                config.concurrency(),
                w.maxRequests,
                WorkerSettings.ackBatchFor(prefetch),
                config.retry(),
                poolId(config),
                config.queue() != null ? config.queue().queue() : null,
                flat); // pool queue: what ctx.push may push to
        try {
            w.connection.send(FrameType.WELCOME, new Handshake.Welcome(settings).encode());
            if (w.state == WorkerHandle.State.STOPPING) {
                w.connection.send(FrameType.STOP, new byte[0]);
            }
        } catch (IOException e) {
            w.kill();
        }
    }

    /**
     * This pool's name where several pools share a broker (Redis processing lists, stream consumers):
     * the host and a hash of the run directory, so it is the same after a restart. Computed once: a host
     * name lookup can be slow, and workers start often.
     */
    private String poolId(PoolConfig config) {
        if (poolId == null) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            poolId = host + "-"
                    + Integer.toHexString(config.runDir()
                            .toAbsolutePath()
                            .normalize()
                            .toString()
                            .hashCode())
                    // groups of one pool are pools of their own to a broker: each has its own lists
                    + (config.group() == null ? "" : "-" + config.group());
        }
        return poolId;
    }

    /** "orders " for a slot of group orders, nothing in a pool without groups: for log lines. */
    static String groupOf(PoolConfig config) {
        return config.group() == null ? "" : config.group() + " ";
    }

    /** Each worker gets its own limit, so that workers started together are not recycled together. */
    private static long maxRequestsWithJitter(PoolConfig config) {
        if (config.maxRequests() == 0) {
            return 0;
        }
        long jitter = config.maxRequestsJitter();
        return config.maxRequests()
                + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1));
    }
}
