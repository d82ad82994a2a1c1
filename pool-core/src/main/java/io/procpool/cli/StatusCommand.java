package io.procpool.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.procpool.internal.ExitCode;
import io.procpool.internal.control.ControlClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pool status}: the pool and one line per worker, or the same as JSON. */
@Command(name = "status", description = "Show the pool and its workers.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Option(names = "--json", description = "Print JSON (for scripts and tests).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> status = ControlClient.call(options.runDir(), Map.of("command", "status"));
        if (!Boolean.TRUE.equals(status.get("ok"))) {
            System.err.println("pool status: " + status.get("error"));
            return ExitCode.FAILED;
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
        } else {
            System.out.print(render(status));
        }
        return ExitCode.OK;
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> status) {
        Map<String, Object> pool = (Map<String, Object>) status.get("pool");
        List<Map<String, Object>> workers = (List<Map<String, Object>>) status.get("workers");
        StringBuilder b = new StringBuilder();
        b.append(String.format("pool %s  %s  consumer %s  source %s  up %s%n", pool.get("pid"), pool.get("state"),
                pool.get("consumer"), pool.get("source"), duration(pool.get("uptime_ms"))));
        b.append(String.format("workers %s/%s ready  processed %s  failed %s  restarts %s%n", pool.get("workers_ready"),
                pool.get("workers_target"), pool.get("processed"), pool.get("failed"), pool.get("restarts")));
        if (pool.get("sends_delivered") instanceof Number sent && pool.get("sends_dropped") instanceof Number dropped
                && sent.longValue() + dropped.longValue() > 0) {
            b.append(String.format("worker-to-worker sends: %s delivered, %s dropped (no worker ready in the slot)%n", sent,
                    dropped));
        }
        if (pool.get("queue") instanceof Map<?, ?> q) {
            b.append(String.format("queue %s (%s): depth %s, delayed %s, in flight %s, dead %s; pushed %s, acked %s"
                            + " (%s/s over the last 10 s)%n", q.get("name"), q.get("durability"), q.get("depth"), q.get("delayed"),
                    q.get("in_flight"), q.get("dead"), q.get("pushed"), q.get("acked"), q.get("acked_per_s")));
        }
        if (pool.get("source_available") instanceof Boolean available) {
            b.append(String.format("source %s: %s%n", pool.get("source"), available ? "available"
                    : "UNAVAILABLE to some worker (it retries with backoff; the log says why)"));
        }
        b.append(String.format("%n%-5s %-8s %-10s %-9s %10s %7s %9s %8s%n",
                "SLOT", "PID", "STATE", "UPTIME", "PROCESSED", "FAILED", "RESTARTS", "RSS"));
        for (Map<String, Object> w : workers) {
            if ("BACKOFF".equals(w.get("state"))) {
                b.append(String.format("%-5s %-8s %-10s restart in %s after %s quick failure(s): %s%n", w.get("slot"), "-",
                        "BACKOFF", duration(w.get("next_start_in_ms")), w.get("consecutive_failures"), w.get("last_exit")));
                continue;
            }
            long rss = ((Number) w.get("rss_bytes")).longValue();
            b.append(String.format("%-5s %-8s %-10s %-9s %10s %7s %9s %8s%n", w.get("slot"), w.get("pid"), w.get("state"),
                    duration(w.get("uptime_ms")), w.get("processed"), w.get("failed"), w.get("restarts"),
                    rss < 0 ? "-" : (rss >> 20) + " MiB"));
        }
        appendSources(b, workers);
        return b.toString();
    }

    /** Per worker, what a source the workers run themselves reports (Redis, Kafka, TCP base mode). */
    private static void appendSources(StringBuilder b, List<Map<String, Object>> workers) {
        boolean header = false;
        for (Map<String, Object> w : workers) {
            if (w.get("source") instanceof Map<?, ?> source && !source.isEmpty()) {
                if (!header) {
                    b.append(String.format("%n%-5s SOURCE%n", "SLOT"));
                    header = true;
                }
                StringBuilder line = new StringBuilder();
                source.forEach((k, v) -> {
                    String text = String.valueOf(v);
                    line.append("  ").append(k).append('=').append(text.length() > 60 ? text.substring(0, 57) + "..." : text);
                });
                b.append(String.format("%-5s%s%n", w.get("slot"), line));
            }
        }
    }

    private static String duration(Object millis) {
        long ms = ((Number) millis).longValue();
        long s = ms / 1000;
        if (s < 60) {
            return s == 0 ? ms + "ms" : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
