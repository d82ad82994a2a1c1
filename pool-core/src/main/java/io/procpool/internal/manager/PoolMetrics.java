package io.procpool.internal.manager;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.QueueStats;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.HandlingTimes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The pool's metrics in Prometheus's text format, from Micrometer's Prometheus registry: each scrape
 * reads the pool's status once and the meters read that snapshot, per group and per worker slot. The
 * counters come from counts that never go down (a queue group's acks, the workers' processed counts
 * with those of exited workers kept), so a dead or recycled worker lowers none. Meters of slots that
 * are gone are removed. Called by the HTTP endpoint's request threads, one scrape at a time.
 */
final class PoolMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile PoolStatus latest;

    /** The frames a worker sends the manager, counted by {@code procpool_ipc_frames_received_total}. */
    private static final List<FrameType> WORKER_FRAMES = List.of(
            FrameType.HELLO,
            FrameType.READY,
            FrameType.ACK,
            FrameType.REPLIES,
            FrameType.HEARTBEAT,
            FrameType.SEND,
            FrameType.RECYCLE,
            FrameType.PUSH,
            FrameType.TASKS);

    PoolMetrics(Function<String, HandlingTimes> handlingTimes, IpcFrameCounts frames) {
        // Micrometer's timers take one time at a time; the workers' times arrive merged into buckets,
        // so the histogram is a collector of the registry's own, reading the merged counts per scrape.
        registry.getPrometheusRegistry().register(new HandlingCollector(this, handlingTimes));
        for (FrameType t : WORKER_FRAMES) {
            FunctionCounter.builder("procpool.ipc.frames.received", frames, f -> f.count(t))
                    .description("frames the manager read from its workers (each a batch)")
                    .tags("type", t.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    private final Set<String> groups = new HashSet<>();
    /** Meters that come and go with what they measure: a slot's, a Kafka partition's lag. */
    private final Map<String, List<Meter>> changing = new HashMap<>();
    /** Restart counters by group and cause: made when a cause first shows, and kept. */
    private final Set<String> causes = new HashSet<>();

    /** The text of one scrape of {@code status}. */
    synchronized String scrape(PoolStatus status) {
        latest = status;
        Set<String> seen = new HashSet<>();
        for (PoolStatus.Group g : status.groups()) {
            if (groups.add(g.name())) {
                register(g);
            }
            for (String cause : g.restartCauses().keySet()) {
                if (causes.add(g.name() + "/" + cause)) {
                    registerCause(g.name(), cause);
                }
            }
        }
        for (PoolStatus.Worker w : status.workers()) {
            String key = "slot:" + w.group() + "/" + w.slot();
            seen.add(key);
            changing.computeIfAbsent(key, k -> registerSlot(w.group(), w.slot()));
            for (String partition : KafkaLag.of(w).keySet()) {
                String lag = "lag:" + w.group() + "/" + partition;
                seen.add(lag);
                changing.computeIfAbsent(lag, k -> List.of(registerLag(w.group(), partition)));
            }
        }
        for (var it = changing.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!seen.contains(e.getKey())) {
                e.getValue().forEach(registry::remove);
                it.remove();
            }
        }
        return registry.scrape();
    }

    private void registerCause(String group, String cause) {
        FunctionCounter.builder(
                        "procpool.worker.restarts",
                        this,
                        m -> m.ofGroup(group, x -> x.restartCauses().getOrDefault(cause, 0L)))
                .description("workers started again after an exit they should not have made, by its cause")
                .tags(Tags.of("group", group, "cause", cause))
                .register(registry);
    }

    /** A Kafka partition's lag as the worker it is assigned to reports it. */
    private Meter registerLag(String group, String partition) {
        return Gauge.builder("procpool.kafka.lag", this, m -> {
                    PoolStatus s = m.latest;
                    if (s == null) {
                        return Double.NaN;
                    }
                    for (PoolStatus.Worker w : s.workers()) {
                        Long lag = w.group().equals(group) ? KafkaLag.of(w).get(partition) : null;
                        if (lag != null) {
                            return lag;
                        }
                    }
                    return Double.NaN;
                })
                .description("records of the partition not yet finished by its consumer group")
                .tags(Tags.of("group", group, "partition", partition))
                .register(registry);
    }

    /** The groups of the latest scrape's status, for the histogram's collector. */
    List<String> groupNames() {
        PoolStatus s = latest;
        return s == null
                ? List.of()
                : s.groups().stream().map(PoolStatus.Group::name).toList();
    }

    private Optional<PoolStatus.Group> group(String name) {
        PoolStatus s = latest;
        return s == null ? Optional.empty() : s.group(name);
    }

    private double ofGroup(String name, java.util.function.ToDoubleFunction<PoolStatus.Group> value) {
        return group(name).map(value::applyAsDouble).orElse(Double.NaN);
    }

    private void register(PoolStatus.Group g) {
        String name = g.name();
        Tags tags = Tags.of("group", name);
        // A queue group's acks are counted by the queue itself, exactly once per message that left it.
        FunctionCounter.builder(
                        "procpool.messages.processed",
                        this,
                        m -> m.ofGroup(
                                name,
                                x -> x.queue().map(q -> (double) q.acked()).orElse((double) x.processed())))
                .description("messages whose onMessage returned (a queue group: acked)")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("procpool.messages.failed", this, m -> m.ofGroup(name, x -> x.failed()))
                .description("deliveries whose onMessage threw after its retries")
                .tags(tags)
                .register(registry);
        Gauge.builder("procpool.workers.ready", this, m -> m.ofGroup(name, x -> x.workersReady()))
                .description("workers READY")
                .tags(tags)
                .register(registry);
        Gauge.builder("procpool.workers.target", this, m -> m.ofGroup(name, x -> x.workersTarget()))
                .description("workers the group should run")
                .tags(tags)
                .register(registry);
        if (g.autoscale().isPresent()) {
            for (String direction : List.of("up", "down")) {
                FunctionCounter.builder(
                                "procpool.autoscale.decisions",
                                this,
                                m -> m.ofGroup(
                                        name,
                                        x -> x.autoscale()
                                                .map(a -> (double) (direction.equals("up") ? a.ups() : a.downs()))
                                                .orElse(0.0)))
                        .description("changes of the worker count the autoscaler made")
                        .tags(tags.and("direction", direction))
                        .register(registry);
            }
        }
        if (g.queue().isPresent()) {
            Tags queue = tags.and("queue", g.queue().get().name());
            Gauge.builder("procpool.queue.depth", this, m -> m.ofQueue(name, QueueStats::depth, Double.NaN))
                    .description("messages waiting in the built-in queue (ready and delayed)")
                    .tags(queue)
                    .register(registry);
            Gauge.builder("procpool.queue.dead.letters", this, m -> m.ofQueue(name, QueueStats::dead, Double.NaN))
                    .description("messages in the queue's dead letters")
                    .tags(queue)
                    .register(registry);
            queueCounter("procpool.queue.pushed", "messages pushed into the queue", name, queue, QueueStats::pushed);
            queueCounter(
                    "procpool.queue.redelivered",
                    "deliveries that failed and were delivered again (retried)",
                    name,
                    queue,
                    QueueStats::redelivered);
            queueCounter(
                    "procpool.queue.dead.lettered",
                    "messages moved to the dead letters after their last delivery failed",
                    name,
                    queue,
                    QueueStats::deadLettered);
        }
    }

    private void queueCounter(
            String metric, String description, String group, Tags tags, ToLongFunction<QueueStats> value) {
        FunctionCounter.builder(metric, this, m -> m.ofQueue(group, value, 0.0))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    /** A number of {@code group}'s queue in the latest status, or {@code none} while there is none. */
    private double ofQueue(String group, ToLongFunction<QueueStats> value, double none) {
        return group(group)
                .flatMap(PoolStatus.Group::queue)
                .map(q -> (double) value.applyAsLong(q))
                .orElse(none);
    }

    private Optional<PoolStatus.Worker> worker(String group, int slot) {
        PoolStatus s = latest;
        return s == null
                ? Optional.empty()
                : s.workers().stream()
                        .filter(w -> w.group().equals(group) && w.slot() == slot)
                        .findFirst();
    }

    private List<Meter> registerSlot(String group, int slot) {
        Tags tags = Tags.of("group", group, "slot", Integer.toString(slot));
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder(
                        "procpool.worker.in.flight",
                        this,
                        m -> m.worker(group, slot)
                                .map(w -> (double) w.inFlight())
                                .orElse(Double.NaN))
                .description("messages the slot's worker holds unfinished")
                .tags(tags)
                .register(registry));
        meters.add(Gauge.builder(
                        "procpool.worker.rss",
                        this,
                        m -> m.worker(group, slot)
                                .filter(w -> w.rssBytes() >= 0)
                                .map(w -> (double) w.rssBytes())
                                .orElse(Double.NaN))
                .description("resident memory of the slot's worker process")
                .baseUnit("bytes")
                .tags(tags)
                .register(registry));
        return meters;
    }
}
