package io.procpool.cli;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.WorkerState;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.Units;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pool reload [GROUP]}: rolling restart of every worker, or of one group's (SIGUSR1's twin); {@code --reread} reads the
 * configuration file again first and applies it (SIGHUP's twin). {@code --wait} returns once every
 * worker runs in a process started after the reload, so that a deploy script knows the new code runs;
 * it fails at once when a slot falls into BACKOFF (the new code does not start). The CLI's thread.
 */
@Command(name = "reload", description = "Rolling restart: each new worker is ready before its predecessor stops.")
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    PoolOptions options;

    @Parameters(arity = "0..1", paramLabel = "GROUP", description = "Reload only this group (default: every group).")
    String group;

    @Option(names = "--reread", description = "Reread the configuration file and apply it (like SIGHUP).")
    boolean reread;

    @Option(names = "--wait", description = "Return once every worker has been replaced and is ready.")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "With --wait: how long the reload may take (default: 10m).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        Duration limit = Duration.ofMinutes(10);
        if (timeout != null) {
            if (!await) {
                System.err.println("pool reload: --timeout applies to --wait only; add --wait or leave it out");
                return ExitCode.CONFIG_INVALID;
            }
            try {
                limit = Units.parseDuration(timeout);
            } catch (IllegalArgumentException e) {
                System.err.println("pool reload: --timeout " + e.getMessage() + ", but was \"" + timeout + "\"");
                return ExitCode.CONFIG_INVALID;
            }
        }
        PoolControl pool = PoolControl.of(options.runDir());
        Set<Long> before = new HashSet<>();
        Map<String, Long> restartsBefore = new HashMap<>();
        if (await) {
            for (PoolStatus.Worker w : rows(pool.status())) {
                before.add(w.id()); // ids, not pids: the workers of isolation: thread share the manager's
                restartsBefore.put(w.group() + "-" + w.slot(), w.restarts());
            }
        }
        Map<String, Object> request = new HashMap<>(Map.of("command", "reload", "reread", reread));
        if (group != null) {
            request.put("group", group);
        }
        int code = ControlCall.run("reload", options.runDir(), request);
        if (code != ExitCode.OK || !await) {
            return code;
        }
        return awaitReplaced(pool, before, restartsBefore, limit);
    }

    /** The rows the reload replaces: the group's, or every one. */
    private List<PoolStatus.Worker> rows(PoolStatus status) {
        return group == null ? status.workers() : status.workersOf(group);
    }

    /** How many workers the reload replaces. */
    private int target(PoolStatus status) {
        return group == null
                ? status.pool().workersTarget()
                : status.group(group).map(PoolStatus.Group::workersTarget).orElse(0);
    }

    private int awaitReplaced(PoolControl pool, Set<Long> before, Map<String, Long> restartsBefore, Duration limit)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        PoolStatus status = pool.status();
        while (true) {
            Optional<PoolStatus.Worker> failing = rows(status).stream()
                    .filter(w -> w.state() == WorkerState.BACKOFF)
                    .findFirst();
            if (failing.isPresent()) {
                PoolStatus.Worker w = failing.get();
                System.err.println("pool reload: slot " + w.slot() + " is in BACKOFF ("
                        + w.backoff().map(PoolStatus.Backoff::lastExit).orElse("?")
                        + "): the new workers do not start; see the pool's log");
                return ExitCode.FAILED;
            }
            // A replacement that fails leaves its slot to the old worker (READY) and counts a restart.
            Optional<PoolStatus.Worker> kept = rows(status).stream()
                    .filter(w -> before.contains(w.id())
                            && w.restarts() > restartsBefore.getOrDefault(w.group() + "-" + w.slot(), Long.MAX_VALUE))
                    .findFirst();
            if (kept.isPresent()) {
                System.err.println(
                        "pool reload: the new worker of slot " + kept.get().slot()
                                + " failed to start, so the new workers do not start; the old worker (pid "
                                + kept.get().pid() + ") keeps running; see the pool's log");
                return ExitCode.FAILED;
            }
            if (replaced(status, before)) {
                System.out.println("reloaded: " + rows(status).size() + " worker(s) replaced and ready");
                return ExitCode.OK;
            }
            if (System.nanoTime() - deadline > 0) {
                System.err.println("pool reload: not every worker was replaced within " + Units.format(limit)
                        + "; still running from before: " + stillOld(status, before));
                return ExitCode.FAILED;
            }
            Thread.sleep(100);
            status = pool.status();
        }
    }

    /** Every slot has a READY worker, none of which ran before the reload, and no old process is left. */
    private boolean replaced(PoolStatus s, Set<Long> before) {
        return rows(s).size() == target(s)
                && rows(s).stream().allMatch(w -> w.state() == WorkerState.READY && !before.contains(w.id()));
    }

    private String stillOld(PoolStatus s, Set<Long> before) {
        return rows(s).stream()
                .filter(w -> before.contains(w.id()))
                .map(w -> "slot " + w.slot() + " (worker " + w.id() + ", pid " + w.pid() + ", " + w.state() + ")")
                .toList()
                .toString();
    }
}
