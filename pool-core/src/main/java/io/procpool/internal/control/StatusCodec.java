package io.procpool.internal.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Backoff;
import io.procpool.PoolStatus.Group;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.QueueStats;
import io.procpool.PoolStatus.Worker;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of {@link PoolStatus}, the one place that names its keys: {@code pool} (durations in
 * {@code _ms}), {@code groups} (one object per group), {@code workers} (one object per slot, naming its group), the built-in queue under {@code pool.queue}, and
 * a manager-run source's own counters under {@code pool.<source type>}. Stateless.
 */
public final class StatusCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The pool object's own keys; a source whose type is one of them keeps its counters there (the queue's). */
    private static final Set<String> POOL_KEYS = Set.of(
            "pid",
            "state",
            "consumer",
            "source",
            "uptime_ms",
            "workers_target",
            "workers_ready",
            "processed",
            "failed",
            "restarts",
            "sends_delivered",
            "sends_dropped",
            "queue",
            "source_available");

    private StatusCodec() {}

    public static String toJson(PoolStatus status) {
        try {
            return JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(status));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status that JSON cannot hold: " + e.getMessage(), e);
        }
    }

    public static PoolStatus fromJson(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.readValue(json, Map.class);
            return fromMap(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a pool status: " + e.getOriginalMessage(), e);
        }
    }

    /** The status as the control socket sends it (plain maps, lists, strings and numbers). */
    public static Map<String, Object> toMap(PoolStatus status) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pool", pool(status.pool()));
        map.put("groups", status.groups().stream().map(StatusCodec::group).toList());
        map.put("workers", status.workers().stream().map(StatusCodec::worker).toList());
        return map;
    }

    private static Map<String, Object> pool(Pool p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", p.pid());
        m.put("state", p.state().name());
        m.put("consumer", p.consumer());
        m.put("source", p.source());
        m.put("uptime_ms", p.uptime().toMillis());
        m.put("workers_target", p.workersTarget());
        m.put("workers_ready", p.workersReady());
        m.put("processed", p.processed());
        m.put("failed", p.failed());
        m.put("restarts", p.restarts());
        m.put("sends_delivered", p.sendsDelivered());
        m.put("sends_dropped", p.sendsDropped());
        p.queue().ifPresent(q -> m.put("queue", queue(q)));
        p.sourceAvailable().ifPresent(a -> m.put("source_available", a));
        if (!p.sourceStats().isEmpty()) {
            m.put(p.source(), new TreeMap<>(p.sourceStats()));
        }
        return m;
    }

    private static Map<String, Object> group(Group g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.name());
        m.put("consumer", g.consumer());
        m.put("source", g.source());
        m.put("workers_target", g.workersTarget());
        m.put("workers_ready", g.workersReady());
        m.put("processed", g.processed());
        m.put("failed", g.failed());
        m.put("restarts", g.restarts());
        g.queue().ifPresent(q -> m.put("queue", queue(q)));
        g.sourceAvailable().ifPresent(a -> m.put("source_available", a));
        if (!g.sourceStats().isEmpty()) {
            m.put(g.source(), new TreeMap<>(g.sourceStats()));
        }
        if (!g.restartCauses().isEmpty()) {
            m.put("restart_causes", new TreeMap<>(g.restartCauses()));
        }
        g.autoscale().ifPresent(a -> {
            Map<String, Object> scale = new LinkedHashMap<>();
            scale.put("min", a.min());
            scale.put("max", a.max());
            scale.put("backlog", a.backlog());
            scale.put("ups", a.ups());
            scale.put("downs", a.downs());
            scale.put("last_decision", a.lastDecision());
            m.put("autoscale", scale);
        });
        return m;
    }

    private static Group group(Map<String, Object> g) {
        String source = text(g, "source");
        return new Group(
                text(g, "name"),
                text(g, "consumer"),
                source,
                (int) number(g, "workers_target"),
                (int) number(g, "workers_ready"),
                number(g, "processed"),
                number(g, "failed"),
                number(g, "restarts"),
                Optional.ofNullable(g.get("queue") instanceof Map<?, ?> q ? queue(cast(q)) : null),
                Optional.ofNullable((Boolean) g.get("source_available")),
                !POOL_KEYS.contains(source) && g.get(source) instanceof Map<?, ?> s ? cast(s) : Map.of(),
                Optional.ofNullable(g.get("autoscale") instanceof Map<?, ?> a ? autoscale(cast(a)) : null),
                g.get("restart_causes") instanceof Map<?, ?> causes ? counts(cast(causes)) : Map.of());
    }

    private static Map<String, Long> counts(Map<String, Object> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }

    private static PoolStatus.Autoscale autoscale(Map<String, Object> a) {
        return new PoolStatus.Autoscale(
                (int) number(a, "min"),
                (int) number(a, "max"),
                number(a, "backlog"),
                number(a, "ups"),
                number(a, "downs"),
                text(a, "last_decision"));
    }

    /** The queue's counters, as {@code pool.queue} and the {@code queue_stats} command show them. */
    public static Map<String, Object> queue(QueueStats q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("durability", q.durability());
        m.put("depth", q.depth());
        m.put("delayed", q.delayed());
        m.put("in_flight", q.inFlight());
        m.put("dead", q.dead());
        m.put("pushed", q.pushed());
        m.put("acked", q.acked());
        m.put("pushed_per_s", q.pushedPerSecond());
        m.put("acked_per_s", q.ackedPerSecond());
        m.put("max_length", q.maxLength());
        m.put("redelivered", q.redelivered());
        m.put("dead_lettered", q.deadLettered());
        return m;
    }

    private static Map<String, Object> worker(Worker w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", w.group());
        m.put("slot", w.slot());
        m.put("state", w.state().name());
        m.put("restarts", w.restarts());
        if (w.backoff().isPresent()) {
            Backoff b = w.backoff().get();
            m.put("consecutive_failures", b.consecutiveFailures());
            m.put("next_start_in_ms", b.nextStartIn().toMillis());
            m.put("last_exit", b.lastExit());
            return m;
        }
        m.put("id", w.id());
        m.put("pid", w.pid());
        m.put("uptime_ms", w.uptime().toMillis());
        m.put("ready_ms", w.readyAfter().map(Duration::toMillis).orElse(null));
        m.put("processed", w.processed());
        m.put("failed", w.failed());
        m.put("in_flight", w.inFlight());
        m.put("busy_ms", w.busyFor().toMillis());
        m.put("rss_bytes", w.rssBytes());
        m.put("max_requests", w.maxRequests());
        if (!w.source().isEmpty()) {
            m.put("source", new TreeMap<>(w.source()));
        }
        return m;
    }

    /** Reads {@link #toMap}'s form; extra keys (such as the control answer's {@code ok}) are ignored. */
    public static PoolStatus fromMap(Map<String, Object> map) {
        Map<String, Object> p = object(map, "pool", "the status");
        String source = text(p, "source");
        Optional<QueueStats> queue = Optional.ofNullable(p.get("queue") instanceof Map<?, ?> q ? queue(cast(q)) : null);
        Map<String, Object> sourceStats =
                !POOL_KEYS.contains(source) && p.get(source) instanceof Map<?, ?> s ? cast(s) : Map.of();
        Pool pool = new Pool(
                number(p, "pid"),
                PoolState.valueOf(text(p, "state")),
                text(p, "consumer"),
                source,
                millis(p, "uptime_ms"),
                (int) number(p, "workers_target"),
                (int) number(p, "workers_ready"),
                number(p, "processed"),
                number(p, "failed"),
                number(p, "restarts"),
                number(p, "sends_delivered"),
                number(p, "sends_dropped"),
                queue,
                Optional.ofNullable((Boolean) p.get("source_available")),
                sourceStats);
        if (!(map.get("workers") instanceof List<?> rows)) {
            throw new IllegalArgumentException("the status has no workers list");
        }
        List<Worker> workers = new ArrayList<>();
        for (Object row : rows) {
            workers.add(worker(cast((Map<?, ?>) row)));
        }
        if (!(map.get("groups") instanceof List<?> groupRows)) {
            throw new IllegalArgumentException("the status has no groups list");
        }
        List<Group> groups = new ArrayList<>();
        for (Object row : groupRows) {
            groups.add(group(cast((Map<?, ?>) row)));
        }
        return new PoolStatus(pool, groups, workers);
    }

    private static QueueStats queue(Map<String, Object> q) {
        return new QueueStats(
                text(q, "name"),
                text(q, "durability"),
                number(q, "depth"),
                number(q, "delayed"),
                number(q, "in_flight"),
                number(q, "dead"),
                number(q, "pushed"),
                number(q, "acked"),
                number(q, "pushed_per_s"),
                number(q, "acked_per_s"),
                number(q, "max_length"),
                q.get("redelivered") == null ? 0 : number(q, "redelivered"),
                q.get("dead_lettered") == null ? 0 : number(q, "dead_lettered"));
    }

    private static Worker worker(Map<String, Object> w) {
        WorkerState state = WorkerState.valueOf(text(w, "state"));
        String group = text(w, "group");
        int slot = (int) number(w, "slot");
        if (state == WorkerState.BACKOFF) {
            Backoff backoff = new Backoff(
                    (int) number(w, "consecutive_failures"),
                    millis(w, "next_start_in_ms"),
                    String.valueOf(w.get("last_exit")));
            return new Worker(
                    group,
                    slot,
                    0,
                    0,
                    state,
                    Duration.ZERO,
                    Optional.empty(),
                    0,
                    0,
                    0,
                    Duration.ZERO,
                    number(w, "restarts"),
                    -1,
                    0,
                    Map.of(),
                    Optional.of(backoff));
        }
        Map<String, String> source = new TreeMap<>();
        if (w.get("source") instanceof Map<?, ?> s) {
            s.forEach((k, v) -> source.put(String.valueOf(k), String.valueOf(v)));
        }
        Optional<Duration> readyAfter =
                w.get("ready_ms") == null ? Optional.empty() : Optional.of(millis(w, "ready_ms"));
        return new Worker(
                group,
                slot,
                number(w, "id"),
                number(w, "pid"),
                state,
                millis(w, "uptime_ms"),
                readyAfter,
                number(w, "processed"),
                number(w, "failed"),
                (int) number(w, "in_flight"),
                w.get("busy_ms") == null ? Duration.ZERO : millis(w, "busy_ms"),
                number(w, "restarts"),
                number(w, "rss_bytes"),
                number(w, "max_requests"),
                source,
                Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Map<String, Object> object(Map<String, Object> m, String key, String where) {
        if (!(m.get(key) instanceof Map<?, ?> value)) {
            throw new IllegalArgumentException(where + " has no " + key + " object");
        }
        return cast(value);
    }

    private static String text(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException("the status has no text " + key + ": " + m.get(key));
        }
        return s;
    }

    private static long number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("the status has no number " + key + ": " + m.get(key));
        }
        return n.longValue();
    }

    private static Duration millis(Map<String, Object> m, String key) {
        return Duration.ofMillis(number(m, key));
    }
}
