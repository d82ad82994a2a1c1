package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus.PoolState;
import io.procpool.testkit.PoolProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 5 and 6: rolling reload by command and by USR1; TTIN, TTOU and pool scale. */
@Timeout(180)
class ReloadAndScaleTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void reloadReplacesEveryWorkerWithoutDroppingBelowNMinusOneReady() throws Exception {
        int n = 3;
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, n))) {
            Set<Long> first = new HashSet<>(pool.awaitReady(n, WAIT).readyPids());

            Set<Long> second = rollAndWatch(pool, n, first, () -> {
                PoolProcess.CliResult r = pool.cli("reload");
                assertThat(r.exitCode()).as(r.output()).isZero();
            });
            rollAndWatch(pool, n, second, () -> pool.signal("USR1"));
        }
    }

    @Test
    void reloadWaitReturnsOnceEveryWorkerIsANewReadyProcess() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2, "app.start_sleep_ms: 300"))) {
            Set<Long> first = new HashSet<>(pool.awaitReady(2, WAIT).readyPids());
            PoolProcess.CliResult r = pool.cli("reload", "--wait");
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("reloaded: 2 worker(s) replaced and ready");
            var now = pool.status(); // no wait: --wait returned only once this held
            assertThat(now.readyPids()).hasSize(2).doesNotContainAnyElementsOf(first);
            assertThat(now.workers()).hasSize(2);
        }
    }

    @Test
    void reloadWaitFailsAtOnceWhenTheNewWorkersCannotStart() throws Exception {
        String yaml = Pools.recording(dir, 1, "restart_backoff: 30s", "restart_max_backoff: 30s");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            long old = pool.awaitReady(1, WAIT).readyPids().get(0);
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    yaml.replace(
                            io.procpool.testkit.consumers.RecordingConsumer.class.getName(),
                            io.procpool.testkit.consumers.FailingStartConsumer.class.getName()));
            long started = System.nanoTime();
            PoolProcess.CliResult r = pool.cli("reload", "--reread", "--wait");
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output())
                    .contains("the new worker of slot 0 failed to start")
                    .contains("the old worker (pid " + old + ") keeps running");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("not the 10 minutes of --wait's limit")
                    .isLessThan(WAIT);
            assertThat(pool.status().readyPids())
                    .as("the old worker keeps serving")
                    .containsExactly(old);
        }
    }

    @Test
    void reloadTimeoutWithoutWaitIsRefused() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, WAIT);
            PoolProcess.CliResult r = pool.cli("reload", "--timeout", "5s");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.output()).contains("--timeout applies to --wait only");
        }
    }

    /** Starts a reload, samples READY every 20 ms until every pid changed; returns the new pids. */
    private Set<Long> rollAndWatch(PoolProcess pool, int n, Set<Long> before, ThrowingRunnable startReload)
            throws Exception {
        AtomicInteger minReady = new AtomicInteger(Integer.MAX_VALUE);
        startReload.run();
        var after = pool.awaitStatus(
                "every worker replaced",
                s -> {
                    int ready = s.pool().workersReady();
                    minReady.accumulateAndGet(ready, Math::min);
                    List<Long> pids = s.readyPids();
                    return pids.size() == n
                            && s.workers().size() == n
                            && pids.stream().noneMatch(before::contains);
                },
                WAIT);
        assertThat(minReady.get())
                .as("fewest READY workers seen during the reload")
                .isGreaterThanOrEqualTo(n - 1);
        return new HashSet<>(after.readyPids());
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void workerCountFollowsTtinTtouAndScale() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2))) {
            pool.awaitReady(2, WAIT);
            pool.signal("TTIN");
            pool.awaitReady(3, WAIT);
            pool.signal("TTOU");
            pool.awaitReady(2, WAIT);
            PoolProcess.CliResult r = pool.cli("scale", "6");
            assertThat(r.exitCode()).as(r.output()).isZero();
            var s = pool.awaitReady(6, WAIT);
            assertThat(s.pool().workersTarget()).isEqualTo(6);
            assertThat(new HashSet<>(s.readyPids())).hasSize(6);
        }
    }

    @Test
    void hupRereadsTheConfigurationAndRollsTheWorkers() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2))) {
            Set<Long> before = new HashSet<>(pool.awaitReady(2, WAIT).readyPids());
            java.nio.file.Files.writeString(dir.resolve("pool.yaml"), Pools.recording(dir, 3, "app.greeting: hup"));
            pool.signal("HUP");
            var after = pool.awaitStatus(
                    "3 new workers",
                    s -> s.readyPids().size() == 3
                            && s.workers().size() == 3
                            && s.readyPids().stream().noneMatch(before::contains),
                    WAIT);
            assertThat(after.pool().workersTarget()).isEqualTo(3);
            assertThat(pool.log()).contains("configuration reloaded");
        }
    }

    @Test
    void aBrokenConfigurationOnReloadKeepsThePoolRunning() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            Set<Long> before = new HashSet<>(pool.awaitReady(1, WAIT).readyPids());
            java.nio.file.Files.writeString(dir.resolve("pool.yaml"), Pools.recording(dir, 1, "max_wait_time: soon"));
            PoolProcess.CliResult r = pool.cli(
                    "reload", "--reread", "-c", dir.resolve("pool.yaml").toString());
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.output()).contains("max_wait_time").contains("\"soon\"");
            var s = pool.status();
            assertThat(s.pool().state()).as("no reload started").isEqualTo(PoolState.RUNNING);
            assertThat(new HashSet<>(s.readyPids())).isEqualTo(before);
        }
    }

    @Test
    void aReloadToAConsumerClassThatCannotBeLoadedIsRefused() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            Set<Long> before = new HashSet<>(pool.awaitReady(1, WAIT).readyPids());
            java.nio.file.Files.writeString(dir.resolve("pool.yaml"), Pools.yaml("com.acme.Missing", 1, dir));
            PoolProcess.CliResult r = pool.cli("reload", "--reread");
            assertThat(r.exitCode()).as(r.output()).isNotZero();
            assertThat(r.output())
                    .contains("consumer")
                    .contains("\"com.acme.Missing\"")
                    .contains("class not found");
            var s = pool.status();
            assertThat(s.pool().state()).isEqualTo(PoolState.RUNNING);
            assertThat(new HashSet<>(s.readyPids())).isEqualTo(before);
        }
    }

    @Test
    void aReloadAppliesTheRestartBackoff() throws Exception {
        String slow = Pools.recording(dir, 1, "min_uptime: 60s", "restart_backoff: 30s", "restart_max_backoff: 30s");
        try (PoolProcess pool = PoolProcess.start(dir, slow)) {
            Set<Long> first = new HashSet<>(pool.awaitReady(1, WAIT).readyPids());
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    Pools.recording(dir, 1, "min_uptime: 60s", "restart_backoff: 100ms", "restart_max_backoff: 200ms"));
            PoolProcess.CliResult r = pool.cli("reload", "--reread");
            assertThat(r.exitCode()).as(r.output()).isZero();
            long reloaded = pool.awaitStatus(
                            "the worker replaced",
                            s -> s.readyPids().size() == 1
                                    && s.workers().size() == 1
                                    && !first.contains(s.readyPids().get(0)),
                            WAIT)
                    .readyPids()
                    .get(0);
            ProcessHandle.of(reloaded).orElseThrow().destroyForcibly(); // a quick death: it backs off
            pool.awaitStatus(
                    "restarted after the reloaded 100 ms backoff, not 30 s",
                    s -> s.readyPids().size() == 1 && s.readyPids().get(0) != reloaded,
                    Duration.ofSeconds(15));
        }
    }

    @Test
    void aReloadThatChangesRestartOnlySettingsIsRefusedNamingThem() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            Set<Long> before = new HashSet<>(pool.awaitReady(1, WAIT).readyPids());
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"),
                    Pools.recording(
                            dir, 2, "data_dir: elsewhere", "source: {type: queue, queue: orders, durability: none}"));
            PoolProcess.CliResult r = pool.cli("reload", "--reread");
            assertThat(r.exitCode()).as(r.output()).isNotZero();
            assertThat(r.output())
                    .contains("configuration reload refused")
                    .contains("data_dir: ")
                    .contains("source.queue: default -> orders")
                    .contains("source.durability: process -> none")
                    .contains("need a restart");
            pool.signal("HUP");
            pool.awaitStatus(
                    "the refusal logged for the HUP too",
                    s -> pool.log().split("configuration reload refused", -1).length == 3,
                    WAIT);
            var s = pool.status();
            assertThat(s.pool().workersTarget())
                    .as("nothing of the new file applied")
                    .isEqualTo(1);
            assertThat(new HashSet<>(s.readyPids())).isEqualTo(before);
        }
    }
}
