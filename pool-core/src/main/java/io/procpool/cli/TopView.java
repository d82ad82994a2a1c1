package io.procpool.cli;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Group;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.Worker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One frame of {@code pool top}, as lines: the pool and its totals, each group's backlog, and a row per
 * worker with its group, slot, pid, state, the age of its oldest message, its rate since the last frame,
 * failures, restarts and memory. Rates need the frame before; the first frame shows none. Holds the
 * previous status; the CLI's thread only.
 */
final class TopView {

    static final String HEADER = String.format(
            Locale.ROOT,
            "%-10s %4s %8s %-9s %8s %8s %10s %7s %8s %8s",
            "GROUP",
            "SLOT",
            "PID",
            "STATE",
            "MSG AGE",
            "RATE/s",
            "PROCESSED",
            "FAILED",
            "RESTARTS",
            "RSS");

    private PoolStatus previous;
    private long previousAtNanos;

    /** The lines of a frame of {@code status}, read at {@code atNanos} (System.nanoTime()). */
    List<String> frame(PoolStatus status, long atNanos) {
        double seconds = previous == null ? 0 : (atNanos - previousAtNanos) / 1e9;
        Map<Long, Long> before = new HashMap<>();
        long poolBefore = 0;
        if (previous != null) {
            previous.workers().forEach(w -> before.put(w.pid(), w.processed()));
            poolBefore = previous.pool().processed();
        }
        List<String> lines = new ArrayList<>();
        Pool pool = status.pool();
        lines.add(String.format(
                Locale.ROOT,
                "procpool  pid %d  %s  up %s  consumer %s  source %s",
                pool.pid(),
                pool.state(),
                StatusCommand.duration(pool.uptime()),
                pool.consumer(),
                pool.source()));
        lines.add(String.format(
                Locale.ROOT,
                "workers %d/%d ready  processed %d%s  failed %d  restarts %d  in flight %d",
                pool.workersReady(),
                pool.workersTarget(),
                pool.processed(),
                seconds > 0 ? " (" + rate(pool.processed() - poolBefore, seconds) + "/s)" : "",
                pool.failed(),
                pool.restarts(),
                status.inFlight()));
        for (Group g : status.groups()) {
            lines.add("backlog " + g.name() + ": " + backlog(g));
            g.autoscale()
                    .ifPresent(a -> lines.add(String.format(
                            Locale.ROOT,
                            "autoscale %s: %d-%d workers, last %s",
                            g.name(),
                            a.min(),
                            a.max(),
                            a.lastDecision())));
        }
        lines.add("");
        lines.add(HEADER);
        for (Worker w : status.workers()) {
            lines.add(row(w, before, seconds));
        }
        previous = status;
        previousAtNanos = atNanos;
        return lines;
    }

    private static String row(Worker w, Map<Long, Long> before, double seconds) {
        if (w.backoff().isPresent()) {
            return String.format(
                    Locale.ROOT,
                    "%-10s %4d %8s %-9s restart in %s: %s",
                    cut(w.group(), 10),
                    w.slot(),
                    "-",
                    w.state(),
                    StatusCommand.duration(w.backoff().get().nextStartIn()),
                    w.backoff().get().lastExit());
        }
        Long was = before.get(w.pid());
        String rate = seconds > 0 && was != null ? rate(w.processed() - was, seconds) : "-";
        return String.format(
                Locale.ROOT,
                "%-10s %4d %8d %-9s %8s %8s %10d %7d %8d %8s",
                cut(w.group(), 10),
                w.slot(),
                w.pid(),
                w.state(),
                w.inFlight() == 0 ? "-" : StatusCommand.duration(w.busyFor()),
                rate,
                w.processed(),
                w.failed(),
                w.restarts(),
                w.rssBytes() < 0 ? "-" : (w.rssBytes() >> 20) + " MiB");
    }

    /** What waits for a group: the queue's depth, or what its source reports. */
    private static String backlog(Group g) {
        if (g.queue().isPresent()) {
            PoolStatus.QueueStats q = g.queue().get();
            return String.format(
                    Locale.ROOT,
                    "queue %s %d waiting (%d delayed), %d in flight, %d dead",
                    q.name(),
                    q.depth(),
                    q.delayed(),
                    q.inFlight(),
                    q.dead());
        }
        if (g.sourceStats().isEmpty()) {
            return g.source();
        }
        StringBuilder b = new StringBuilder(g.source());
        new TreeMap<>(g.sourceStats())
                .forEach((k, v) -> b.append("  ").append(k).append('=').append(v));
        return b.toString();
    }

    private static String rate(long count, double seconds) {
        return String.format(Locale.ROOT, "%.0f", Math.max(0, count) / seconds);
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
