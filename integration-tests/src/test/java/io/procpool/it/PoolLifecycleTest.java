package io.procpool.it;

import static io.procpool.testkit.PoolProcess.readyPids;
import static io.procpool.testkit.PoolProcess.workers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.testkit.PoolProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 1–3 of the pool-core issue: start, restart a killed worker, no orphans. */
@Timeout(120)
class PoolLifecycleTest {

    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void statusJsonShowsFourReadyWorkersWithDistinctPids() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 4))) {
            pool.awaitReady(4, READY);
            PoolProcess.CliResult cli = pool.cli("status", "--json");
            assertThat(cli.exitCode()).as(cli.output()).isZero();
            Map<String, Object> status = new ObjectMapper().readValue(cli.output(), Map.class);
            List<Map<String, Object>> rows = workers(status);
            assertThat(rows).hasSize(4).allSatisfy(w -> assertThat(w.get("state")).isEqualTo("READY"));
            assertThat(rows).extracting(w -> w.get("slot")).containsExactly(0, 1, 2, 3);
            assertThat(new HashSet<>(readyPids(status))).hasSize(4).doesNotContain(pool.pid());
            assertThat(PoolProcess.pool(status)).containsEntry("workers_ready", 4).containsEntry("source", "queue");
            assertThat(pool.log()).as("workers' stdout and stderr, tagged by slot")
                    .contains("[worker-3] recording consumer of slot 3 started")
                    .contains("[worker-3] recording consumer of slot 3 writes to stderr too");
        }
    }

    @Test
    void aKilledWorkerIsReplacedInTheSameSlot() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2))) {
            Map<String, Object> before = pool.awaitReady(2, READY);
            Map<String, Object> victim = workers(before).get(1);
            long victimPid = ((Number) victim.get("pid")).longValue();
            ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();

            Map<String, Object> after = pool.awaitStatus("slot 1 to be READY with a new pid", s -> workers(s).stream()
                    .anyMatch(w -> w.get("slot").equals(1) && "READY".equals(w.get("state"))
                            && ((Number) w.get("pid")).longValue() != victimPid), READY);
            Map<String, Object> slot1 = workers(after).stream().filter(w -> w.get("slot").equals(1)).findFirst().orElseThrow();
            assertThat(slot1.get("restarts")).isEqualTo(1);
            Map<String, Object> slot0 = workers(after).stream().filter(w -> w.get("slot").equals(0)).findFirst().orElseThrow();
            assertThat(slot0.get("pid")).isEqualTo(workers(before).get(0).get("pid"));
            assertThat(slot0.get("restarts")).isEqualTo(0);
            assertThat(pool.log()).contains("killed (SIGKILL)");
        }
    }

    @Test
    void noWorkerOutlivesAManagerKilledWithSigkill() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 3))) {
            List<Long> workerPids = readyPids(pool.awaitReady(3, READY));
            pool.process().destroyForcibly();
            pool.awaitExit(Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < deadline && workerPids.stream().anyMatch(PoolLifecycleTest::alive)) {
                Thread.sleep(10);
            }
            assertThat(workerPids).as("worker pids alive 1 s after the manager was killed")
                    .noneMatch(PoolLifecycleTest::alive);
        }
    }

    static boolean alive(long pid) {
        return PoolProcess.isRunning(pid);
    }
}
