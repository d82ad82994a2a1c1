package io.procpool.internal.config;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The validated, immutable configuration of one pool. Built once by {@link #from} (the
 * manager at start and on HUP); every value is checked there and a bad one fails with a
 * message naming the key and the value.
 *
 * <p>A reload applies every setting but those that need a restart (the run and data directories,
 * the source type, the queue's name and durability, a manager-run source's settings): it refuses a
 * change of those, naming them (see {@code RestartOnlySettings}).
 *
 * @param baseDir the directory relative paths are resolved against (the config file's)
 * @param configFile the file the configuration was read from, or null
 * @param flat every key as given, for the worker's {@code ctx.config()}
 * @param group the group's name under {@code groups:}, or null for the one implicit group
 * @param admin the HTTP admin endpoint's settings
 * @param log where the pool's log goes, and as text or JSON
 * @param autoscale {@code workers: {min, max}}, or null when {@code workers} is a number ({@code workers} is
 *     then min, the count it starts with)
 */
public record PoolConfig(
        Path baseDir,
        Path configFile,
        String consumer,
        List<Path> classpath,
        int workers,
        int concurrency,
        Path runDir,
        Path dataDir,
        Duration maxWaitTime,
        long maxRequests,
        long maxRequestsJitter,
        long maxMemoryBytes,
        Duration messageTimeout,
        Duration startupTimeout,
        Duration minUptime,
        Duration restartBackoff,
        Duration restartMaxBackoff,
        List<String> jvmOptions,
        boolean aotCache,
        int maxDeliveries,
        SourceSettings sourceSettings,
        SourceDefinition source,
        RetrySettings retry,
        boolean threadIsolation,
        Map<String, String> flat,
        String group,
        AdminSettings admin,
        AutoscaleSettings autoscale,
        LogSettings log) {

    public static final int MAX_WORKERS = 1024;
    public static final int MAX_CONCURRENCY = 10_000;
    public static final Duration DEFAULT_MAX_WAIT_TIME = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MIN_UPTIME = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_RESTART_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final int DEFAULT_PREFETCH = 64;
    /**
     * A small, fast-starting worker (measured by {@code bin/bench spawn}): C1 only and the serial collector save ~60 ms
     * of start-up and ~10 MiB per worker; CPU-heavy consumers may want {@code jvm_options: []}.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-XX:CICompilerCount=1");

    /**
     * Every top-level key; {@code source.*} keys are checked by the source, and {@code app.*}
     * keys are the user's own settings, passed to the consumer through {@code ctx.config()}.
     */
    static final Set<String> KEYS = Set.of(
            "consumer",
            "classpath",
            "workers",
            "concurrency",
            "run_dir",
            "data_dir",
            "max_wait_time",
            "max_requests",
            "max_requests_jitter",
            "max_memory",
            "message_timeout",
            "startup_timeout",
            "min_uptime",
            "restart_backoff",
            "restart_max_backoff",
            "jvm_options",
            "aot_cache",
            "isolation",
            "max_deliveries",
            "retry.max_tries",
            "retry.backoff",
            "retry.multiplier",
            "retry.max_backoff",
            "retry.jitter",
            "retry.ignore",
            "http.listen",
            "http.ready_min",
            "workers.min",
            "workers.max",
            "workers.backlog_per_worker",
            "workers.cooldown",
            "workers.idle_after",
            "log_format",
            "log_file",
            "log_max_size",
            "log_keep");

    /** Keys of earlier versions, refused with their new name rather than as unknown. */
    static final Map<String, String> RENAMED = Map.of("retry.max_attempts", "retry.max_tries");

    static final Set<String> LIST_KEYS = Set.of("classpath", "jvm_options", "retry.ignore");

    /** Validates {@code raw} and resolves relative paths against {@code baseDir}: the one implicit group. */
    public static PoolConfig from(RawConfig raw, Path baseDir, Path configFile) {
        return from(raw, baseDir, configFile, null);
    }

    /** Validates {@code raw}, one group's settings (top-level ones merged in), named {@code group} or null. */
    static PoolConfig from(RawConfig raw, Path baseDir, Path configFile, String group) {
        for (var e : raw.entries().entrySet()) {
            String key = e.getKey();
            if (RENAMED.containsKey(key)) {
                throw ConfigException.invalid(
                        key,
                        "renamed to " + RENAMED.get(key) + " (an attempt is a delivery's number;"
                                + " tries are the calls of onMessage within one delivery)",
                        e.getValue().value(),
                        e.getValue().origin());
            }
            if (!KEYS.contains(key) && !key.startsWith("source.") && !key.startsWith("app.")) {
                throw ConfigException.invalid(
                        key,
                        "unknown key (known keys: " + sortedKeys() + ")",
                        e.getValue().value(),
                        e.getValue().origin());
            }
        }
        ConfigValues v = new ConfigValues(raw);
        String consumer = v.string("consumer", null);
        String sourceType = v.string("source.type", SourceSettings.DEFAULT_TYPE);
        SourceProvider provider = SourceProviders.find(sourceType);
        if (provider == null) {
            throw ConfigException.invalid(
                    "source.type",
                    "must be one of " + String.join(", ", SourceProviders.types())
                            + " (tcp, redis and kafka come with their modules: pool-tcp, pool-redis, pool-kafka on the classpath)",
                    sourceType,
                    v.origin("source.type"));
        }
        if (consumer == null || consumer.isBlank()) {
            throw new ConfigException("consumer: missing; set it to the class that implements "
                    + "io.procpool.Consumer (in pool.yaml, POOL_CONSUMER or --consumer)");
        }
        Map<String, String> sourceValues = new TreeMap<>();
        // A list (topics: [orders]) reaches the source as its text "[orders]": the form workers get
        // it in, so the manager validates exactly what each worker will read.
        raw.entries().forEach((k, e) -> {
            if (k.startsWith("source.")) {
                sourceValues.put(k.substring("source.".length()), String.valueOf(e.value()));
            }
        });
        sourceValues.putIfAbsent("type", sourceType);
        SourceSettings sourceSettings = SourceSettings.of(sourceValues);
        SourceDefinition source;
        try {
            source = provider.define(sourceSettings);
        } catch (SourceConfigException e) {
            String key = "source." + e.key();
            throw ConfigException.invalid(key, e.problem(), e.value(), v.origin(key));
        }
        if (!(source instanceof QueueSettings) && v.string("max_deliveries", null) != null) {
            throw ConfigException.invalid(
                    "max_deliveries",
                    "counts the built-in queue's deliveries, and this pool's source "
                            + "is " + sourceType
                            + " (Redis has source.max_deliveries, a Kafka share group the broker's "
                            + "group.share.delivery.count.limit, TCP requests are never delivered twice)",
                    v.string("max_deliveries", null),
                    v.origin("max_deliveries"));
        }
        List<Path> classpath = new ArrayList<>();
        for (String entry : v.list("classpath", List.of())) {
            classpath.add(baseDir.resolve(entry).normalize());
        }
        long jitter = v.longIn("max_requests_jitter", 0, 0, Long.MAX_VALUE);
        AutoscaleSettings autoscale = AutoscaleSettings.from(v, sourceType);
        return new PoolConfig(
                baseDir,
                configFile,
                consumer.trim(),
                List.copyOf(classpath),
                autoscale != null
                        ? autoscale.min()
                        : v.intIn("workers", Runtime.getRuntime().availableProcessors(), 1, MAX_WORKERS),
                v.intIn("concurrency", 1, 1, MAX_CONCURRENCY),
                baseDir.resolve(v.string("run_dir", "run")).normalize(),
                baseDir.resolve(v.string("data_dir", "data")).normalize(),
                v.duration("max_wait_time", DEFAULT_MAX_WAIT_TIME),
                v.longIn("max_requests", 0, 0, Long.MAX_VALUE),
                jitter,
                v.size("max_memory", 0),
                v.duration("message_timeout", Duration.ZERO),
                v.positiveDuration("startup_timeout", DEFAULT_STARTUP_TIMEOUT),
                v.duration("min_uptime", DEFAULT_MIN_UPTIME),
                v.positiveDuration("restart_backoff", DEFAULT_RESTART_BACKOFF),
                v.positiveDuration("restart_max_backoff", DEFAULT_RESTART_MAX_BACKOFF),
                List.copyOf(v.list("jvm_options", DEFAULT_JVM_OPTIONS)),
                // YAML 1.1 reads a bare off / on as false / true: accept both spellings.
                List.of("auto", "on", "true")
                        .contains(v.oneOf("aot_cache", "auto", List.of("auto", "off", "on", "true", "false"))),
                v.intIn("max_deliveries", DEFAULT_MAX_DELIVERIES, 1, 1_000_000),
                sourceSettings,
                source,
                RetrySettings.from(v),
                threadIsolation(raw, v),
                flatten(raw),
                group,
                AdminSettings.from(v),
                autoscale,
                LogSettings.from(v, baseDir));
    }

    private static String sortedKeys() {
        return String.join(", ", new TreeSet<>(KEYS)) + ", source.*, app.*";
    }

    /** Settings a worker that is a thread of the manager has no use for, and why. */
    private static final Map<String, String> NOT_FOR_THREADS = new java.util.LinkedHashMap<>(Map.of(
            "jvm_options", "a thread worker runs in the manager's JVM, whose options are the manager's",
            "max_memory", "a thread worker has no memory of its own to measure; recycle it by max_requests",
            "aot_cache", "a thread worker starts no JVM of its own"));

    /** {@code isolation: process} (each worker a JVM) or {@code thread} (each a thread of the manager). */
    private static boolean threadIsolation(RawConfig raw, ConfigValues v) {
        boolean threads =
                v.oneOf("isolation", "process", List.of("process", "thread")).equals("thread");
        if (threads) {
            for (var refused : NOT_FOR_THREADS.entrySet()) {
                var e = raw.entries().get(refused.getKey());
                if (e != null) {
                    throw ConfigException.invalid(
                            refused.getKey(),
                            "cannot apply with isolation: thread (" + refused.getValue() + ")",
                            e.value(),
                            e.origin());
                }
            }
        }
        return threads;
    }

    private static Map<String, String> flatten(RawConfig raw) {
        Map<String, String> flat = new LinkedHashMap<>();
        raw.entries().forEach((k, e) -> flat.put(k, String.valueOf(e.value())));
        return flat;
    }

    /** The group's name: its key under {@code groups:}, or {@code default} for a pool without groups. */
    public String groupName() {
        return group == null ? "default" : group;
    }

    /** What each line a worker of this group writes begins with: {@code [worker-2] }, or {@code [orders-2] } in a group. */
    public String workerTag(int slot) {
        return "[" + (group == null ? "worker" : group) + "-" + slot + "] ";
    }

    /** {@code source.type}. */
    public String sourceType() {
        return sourceSettings.type();
    }

    /** The built-in queue's settings, or null when the pool's source is another. */
    public QueueSettings queue() {
        return source instanceof QueueSettings q ? q : null;
    }

    /** The queue the built-in queue source reads. */
    public String queueName() {
        QueueSettings q = queue();
        return q == null ? "default" : q.queue();
    }

    /** The queue database file. */
    public Path queueDatabase() {
        return dataDir.resolve("queue.db");
    }

    public Path controlSocket() {
        return runDir.resolve("control.sock");
    }

    public Path ipcSocket() {
        return runDir.resolve("ipc.sock");
    }

    public Path pidFile() {
        return runDir.resolve("pool.pid");
    }
}
