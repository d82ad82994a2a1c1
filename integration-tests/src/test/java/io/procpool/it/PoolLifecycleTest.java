package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.WorkerState;
import io.procpool.testkit.PoolProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
            PoolStatus status = PoolStatus.fromJson(cli.output());
            List<PoolStatus.Worker> rows = status.workers();
            assertThat(rows).hasSize(4).allSatisfy(w -> assertThat(w.state()).isEqualTo(WorkerState.READY));
            assertThat(rows).extracting(PoolStatus.Worker::slot).containsExactly(0, 1, 2, 3);
            assertThat(new HashSet<>(status.readyPids())).hasSize(4).doesNotContain(pool.pid());
            assertThat(status.pool().workersReady()).isEqualTo(4);
            assertThat(status.pool().source()).isEqualTo("queue");
            assertThat(new ObjectMapper()
                            .readTree(cli.output())
                            .path("pool")
                            .path("workers_ready")
                            .asInt())
                    .as("the JSON keys the reference documents")
                    .isEqualTo(4);
            assertThat(pool.log())
                    .as("workers' stdout and stderr, tagged by slot")
                    .contains("[worker-3] recording consumer of slot 3 started")
                    .contains("[worker-3] recording consumer of slot 3 writes to stderr too");
        }
    }

    @Test
    void aKilledWorkerIsReplacedInTheSameSlot() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2))) {
            PoolStatus before = pool.awaitReady(2, READY);
            long victimPid = before.workers().get(1).pid();
            ProcessHandle.of(victimPid).orElseThrow().destroyForcibly();

            PoolStatus after = pool.awaitStatus(
                    "slot 1 to be READY with a new pid",
                    s -> s.workers().stream().anyMatch(w -> w.slot() == 1 && w.isReady() && w.pid() != victimPid),
                    READY);
            PoolStatus.Worker slot1 = after.slot(1).orElseThrow();
            assertThat(slot1.restarts()).isEqualTo(1);
            PoolStatus.Worker slot0 = after.slot(0).orElseThrow();
            assertThat(slot0.pid()).isEqualTo(before.workers().get(0).pid());
            assertThat(slot0.restarts()).isZero();
            assertThat(pool.log()).contains("killed (SIGKILL)");
        }
    }

    @Test
    void noWorkerOutlivesAManagerKilledWithSigkill() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 3))) {
            List<Long> workerPids = pool.awaitReady(3, READY).readyPids();
            pool.process().destroyForcibly();
            pool.awaitExit(Duration.ofSeconds(5));
            Polls.until(
                    "the workers gone",
                    Duration.ofSeconds(1),
                    () -> workerPids.stream().noneMatch(PoolLifecycleTest::alive));
            assertThat(workerPids)
                    .as("worker pids alive 1 s after the manager was killed")
                    .noneMatch(PoolLifecycleTest::alive);
        }
    }

    static boolean alive(long pid) {
        return PoolProcess.isRunning(pid);
    }
}
