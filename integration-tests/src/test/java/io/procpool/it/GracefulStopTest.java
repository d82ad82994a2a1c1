package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.WorkerState;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 4: SIGTERM while consumers are inside onMessage. */
@Timeout(120)
class GracefulStopTest {

    @TempDir
    Path dir;

    @Test
    void sigtermLetsInFlightMessagesFinishRunsOnStopAndExitsWithinMaxWaitTime() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 2, "app.sleep_ms: 1500", "max_wait_time: 8s"))) {
            List<Long> pids = pool.awaitReady(2, Duration.ofSeconds(30)).readyPids();
            pool.push(List.of("a", "b"));
            pool.awaitInFlight(2, Duration.ofSeconds(10));

            long sentAt = System.nanoTime();
            pool.signal("TERM");
            int code = pool.awaitExit(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - sentAt);

            assertThat(code).isZero();
            assertThat(took).isLessThan(Duration.ofSeconds(8));
            assertThat(RecordedOutput.processedLines(dir.resolve("records")))
                    .extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .containsExactlyInAnyOrder("a", "b");
            for (long pid : pids) {
                assertThat(dir.resolve("records/stopped-" + pid))
                        .as("onStop of worker " + pid)
                        .exists();
                assertThat(PoolProcess.isRunning(pid)).isFalse();
            }
            assertThat(pool.log()).doesNotContain("killing it");
            assertThat(Files.exists(pool.runDir().resolve("control.sock"))).isFalse();
        }
    }

    @Test
    void aWorkerThatDoesNotStopIsKilledAtTheDeadline() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "app.sleep_ms: 60000", "max_wait_time: 2s"))) {
            long pid = pool.awaitReady(1, Duration.ofSeconds(30)).readyPids().get(0);
            pool.push(List.of("stuck"));
            pool.awaitInFlight(1, Duration.ofSeconds(10));

            long sentAt = System.nanoTime();
            pool.signal("TERM");
            assertThat(pool.awaitExit(Duration.ofSeconds(20))).isZero();
            Duration took = Duration.ofNanos(System.nanoTime() - sentAt);

            assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
            assertThat(pool.log()).contains("did not stop within its deadline; killing it");
            assertThat(dir.resolve("records/stopped-" + pid)).doesNotExist();
            assertThat(PoolProcess.isRunning(pid)).isFalse();
        }
    }

    @Test
    void aWorkerThatWasToldToStopExitsWhenItsManagerIsKilled() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "app.sleep_ms: 60000", "max_wait_time: 60s"))) {
            long pid = pool.awaitReady(1, Duration.ofSeconds(30)).readyPids().get(0);
            pool.push(List.of("stuck"));
            pool.awaitInFlight(1, Duration.ofSeconds(10));
            pool.signal("TERM");
            pool.awaitStatus(
                    "the worker stopping",
                    s -> s.workers().get(0).state() == WorkerState.STOPPING,
                    Duration.ofSeconds(5));
            pool.process().destroyForcibly(); // the manager dies while its worker is still busy stopping
            Polls.until("the worker gone", Duration.ofSeconds(10), () -> !PoolProcess.isRunning(pid));
            assertThat(PoolProcess.isRunning(pid))
                    .as("the stopping worker outlived its manager")
                    .isFalse();
        }
    }

    @Test
    void aSecondInterruptKillsAtOnce() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "app.sleep_ms: 60000", "max_wait_time: 60s"))) {
            long pid = pool.awaitReady(1, Duration.ofSeconds(30)).readyPids().get(0);
            pool.push(List.of("stuck"));
            pool.awaitInFlight(1, Duration.ofSeconds(10));
            pool.signal("INT");
            pool.awaitStatus("the pool stopping", s -> s.pool().state() == PoolState.STOPPING, Duration.ofSeconds(5));
            long sentAt = System.nanoTime();
            pool.signal("INT");
            assertThat(pool.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(Duration.ofSeconds(3));
            assertThat(pool.log()).contains("second interrupt: stopping now");
            assertThat(PoolProcess.isRunning(pid)).isFalse();
        }
    }
}
