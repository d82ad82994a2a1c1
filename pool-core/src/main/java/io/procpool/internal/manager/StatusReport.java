package io.procpool.internal.manager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the answer to {@code pool status}: the pool's state and totals, then one row per
 * worker process and one per slot waiting out a restart backoff. Runs on the supervisor
 * thread, which owns everything it reads.
 */
final class StatusReport {

    private StatusReport() {}

    static Map<String, Object> of(Supervisor s) {
        long now = s.now();
        List<Map<String, Object>> rows = new ArrayList<>();
        WorkerTable table = s.table();
        boolean sourceUnavailable = false;
        for (WorkerHandle w : table.workers().values()) {
            Slot slot = table.slots().get(w.slot);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("slot", w.slot);
            row.put("id", w.id);
            row.put("pid", w.pid());
            row.put("state", stateOf(w));
            row.put("uptime_ms", now - w.spawnedAtMs);
            row.put("ready_ms", w.readyAtMs == 0 ? null : w.readyAtMs - w.spawnedAtMs);
            row.put("processed", w.processed);
            row.put("failed", w.failed);
            row.put("in_flight", w.inFlight);
            row.put("restarts", slot == null ? 0 : slot.restarts);
            row.put("rss_bytes", w.rssBytes >= 0 ? w.rssBytes : ProcessMemory.rssBytes(w.pid()));
            row.put("max_requests", w.maxRequests);
            if (!w.sourceStats.isEmpty()) {
                row.put("source", w.sourceStats);
                sourceUnavailable |= "false".equals(w.sourceStats.get("available"));
            }
            rows.add(row);
        }
        for (Slot slot : table.slots().values()) {
            if (slot.isEmpty()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("slot", slot.index);
                row.put("state", "BACKOFF");
                row.put("restarts", slot.restarts);
                row.put("consecutive_failures", slot.consecutiveFailures);
                row.put("next_start_in_ms", Math.max(0, slot.nextStartAtMs - now));
                row.put("last_exit", slot.lastExit);
                rows.add(row);
            }
        }
        rows.sort((a, b) -> Integer.compare((Integer) a.get("slot"), (Integer) b.get("slot")));

        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("pid", ProcessHandle.current().pid());
        pool.put("state", s.stopping() ? "STOPPING" : s.reloading() ? "RELOADING" : "RUNNING");
        pool.put("consumer", s.config().consumer());
        pool.put("source", s.config().sourceType());
        pool.put("uptime_ms", now - s.startedAtMs());
        pool.put("workers_target", s.target());
        pool.put("workers_ready", table.readyCount());
        pool.put("processed", table.processed());
        pool.put("failed", table.failed());
        pool.put("restarts", table.restarts());
        pool.put("sends_delivered", s.mailbox().delivered());
        pool.put("sends_dropped", s.mailbox().dropped());
        if (s.queue() != null) {
            pool.put("queue", s.queue().stats());
        }
        if (rows.stream().anyMatch(r -> r.containsKey("source"))) {
            pool.put("source_available", !sourceUnavailable);
        }
        if (s.sourceStats() != null) {
            pool.put(s.config().sourceType(), s.sourceStats().get());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ok", true);
        report.put("pool", pool);
        report.put("workers", rows);
        return report;
    }

    private static String stateOf(WorkerHandle w) {
        if (w.state == WorkerHandle.State.READY && w.recycleReason != null) {
            return "RECYCLING";
        }
        return w.state.name();
    }
}
