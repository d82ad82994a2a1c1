package io.procpool.cli;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.Backoff;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.Worker;
import io.procpool.internal.ExitCode;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pool status}: the pool and one line per worker, or the same as JSON; its exit code says whether
 * every worker is READY (0), some are (13) or none is (14), or no pool runs (9). The CLI's thread.
 */
@Command(
        name = "status",
        description = "Show the pool and its workers. Exit code: 0 all workers READY, 13 some, 14 none, 9 no pool.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Spec
    CommandSpec spec;

    /** Seconds always: {@code LocalTime.toString()} leaves out a zero second ({@code 17:27}). */
    private static final java.time.format.DateTimeFormatter FRAME_TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss", java.util.Locale.ROOT);

    @Option(names = "--json", description = "Print JSON (for scripts and tests).")
    boolean json;

    @Option(
            names = "--live",
            description = "Exit 0 whenever the manager answers, whatever its workers do (for a liveness probe).")
    boolean live;

    @Option(
            names = "--watch",
            description = "Print the status again every second, each frame after a line with the time, until "
                    + "Ctrl-C (or --count frames).")
    boolean watch;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "With --watch: print N frames, then exit with the last one's code.")
    Integer count;

    @Override
    public Integer call() throws Exception {
        if (count != null && (!watch || count < 1)) {
            throw new ParameterException(
                    spec.commandLine(),
                    count < 1 ? "--count must be at least 1, but was " + count : "--count needs --watch");
        }
        PoolControl control = PoolControl.of(options.runDir());
        int frames = watch ? (count == null ? Integer.MAX_VALUE : count) : 1;
        int code = ExitCode.OK;
        for (int frame = 0; frame < frames; frame++) {
            if (frame > 0) {
                Thread.sleep(1_000);
            }
            PoolStatus status = control.status();
            if (watch && !json) {
                System.out.printf(
                        "--- %s ---%n", frameTime(java.time.ZonedDateTime.now(java.time.ZoneId.systemDefault())));
            }
            System.out.print(json ? status.toJson() + System.lineSeparator() : render(status));
            System.out.flush();
            code = live ? ExitCode.OK : exitCode(status);
        }
        return code;
    }

    /** The time a {@code --watch} frame is headed with. */
    static String frameTime(java.time.ZonedDateTime now) {
        return FRAME_TIME.format(now);
    }

    /** 0 with every worker READY, {@link ExitCode#DEGRADED} with some, {@link ExitCode#NO_WORKER_READY} with none. */
    static int exitCode(PoolStatus status) {
        int ready = status.pool().workersReady();
        if (ready == 0) {
            return ExitCode.NO_WORKER_READY;
        }
        return ready >= status.pool().workersTarget() ? ExitCode.OK : ExitCode.DEGRADED;
    }

    static String render(PoolStatus status) {
        Pool pool = status.pool();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "pool %s  %s  consumer %s  source %s  up %s%n",
                pool.pid(), pool.state(), pool.consumer(), pool.source(), duration(pool.uptime())));
        b.append(String.format(
                "workers %s/%s ready  processed %s  failed %s  restarts %s%n",
                pool.workersReady(), pool.workersTarget(), pool.processed(), pool.failed(), pool.restarts()));
        if (pool.sendsDelivered() + pool.sendsDropped() > 0) {
            b.append(String.format(
                    "worker-to-worker sends: %s delivered, %s dropped (no worker ready in the slot)%n",
                    pool.sendsDelivered(), pool.sendsDropped()));
        }
        pool.queue()
                .ifPresent(q -> b.append(String.format(
                        "queue %s (%s): depth %s, delayed %s, in flight %s, dead %s; pushed %s, acked %s (%s/s over the last 10 s)%n",
                        q.name(),
                        q.durability(),
                        q.depth(),
                        q.delayed(),
                        q.inFlight(),
                        q.dead(),
                        q.pushed(),
                        q.acked(),
                        q.ackedPerSecond())));
        boolean grouped = status.groups().size() > 1
                || (status.groups().size() == 1
                        && !status.groups().get(0).name().equals("default"));
        if (grouped) {
            for (PoolStatus.Group g : status.groups()) {
                b.append(String.format(
                        "group %s: consumer %s  source %s  workers %s/%s ready  processed %s  failed %s  restarts %s%n",
                        g.name(),
                        g.consumer(),
                        g.source()
                                + g.queue()
                                        .map(q -> " " + q.name() + " (depth " + q.depth() + ", dead " + q.dead() + ")")
                                        .orElse(""),
                        g.workersReady(),
                        g.workersTarget(),
                        g.processed(),
                        g.failed(),
                        g.restarts()));
            }
        }
        for (PoolStatus.Group g : status.groups()) {
            g.autoscale()
                    .ifPresent(a -> b.append(String.format(
                            "autoscale%s: %s-%s workers, backlog %s, %s up, %s down; last: %s%n",
                            grouped ? " " + g.name() : "",
                            a.min(),
                            a.max(),
                            a.backlog() < 0 ? "unknown" : a.backlog(),
                            a.ups(),
                            a.downs(),
                            a.lastDecision())));
        }
        String slotColumn = grouped ? "%-14s" : "%-5s";
        pool.sourceAvailable()
                .ifPresent(available -> b.append(String.format(
                        "source %s: %s%n",
                        pool.source(),
                        available
                                ? "available"
                                : "UNAVAILABLE to some worker (it retries with backoff; the log says why)")));
        b.append(String.format(
                "%n" + slotColumn + " %-8s %-10s %-9s %10s %7s %9s %8s%n",
                "SLOT",
                "PID",
                "STATE",
                "UPTIME",
                "PROCESSED",
                "FAILED",
                "RESTARTS",
                "RSS"));
        for (Worker w : status.workers()) {
            if (w.backoff().isPresent()) {
                Backoff off = w.backoff().get();
                b.append(String.format(
                        slotColumn + " %-8s %-10s restart in %s after %s quick failure(s): %s%n",
                        slotOf(w, grouped),
                        "-",
                        w.state(),
                        duration(off.nextStartIn()),
                        off.consecutiveFailures(),
                        off.lastExit()));
                continue;
            }
            b.append(String.format(
                    slotColumn + " %-8s %-10s %-9s %10s %7s %9s %8s%n",
                    slotOf(w, grouped),
                    w.pid(),
                    w.state(),
                    duration(w.uptime()),
                    w.processed(),
                    w.failed(),
                    w.restarts(),
                    w.rssBytes() < 0 ? "-" : (w.rssBytes() >> 20) + " MiB"));
        }
        appendSources(b, status.workers(), grouped);
        return b.toString();
    }

    /** A slot as the table shows it: {@code 2}, or {@code orders-2} in a pool of groups. */
    private static String slotOf(Worker w, boolean grouped) {
        return grouped ? w.group() + "-" + w.slot() : String.valueOf(w.slot());
    }

    /** Per worker, what a source the workers run themselves reports (Redis, Kafka, TCP base mode). */
    private static void appendSources(StringBuilder b, List<Worker> workers, boolean grouped) {
        boolean header = false;
        for (Worker w : workers) {
            if (!w.source().isEmpty()) {
                if (!header) {
                    b.append(String.format("%n" + (grouped ? "%-14s" : "%-5s") + " SOURCE%n", "SLOT"));
                    header = true;
                }
                StringBuilder line = new StringBuilder();
                new TreeMap<>(w.source())
                        .forEach((k, v) -> line.append("  ")
                                .append(k)
                                .append('=')
                                .append(v.length() > 60 ? v.substring(0, 57) + "..." : v));
                b.append(String.format((grouped ? "%-14s" : "%-5s") + "%s%n", slotOf(w, grouped), line));
            }
        }
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
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
