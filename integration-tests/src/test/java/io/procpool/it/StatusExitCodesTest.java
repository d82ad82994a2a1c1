package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool status} exit codes a script or a probe can use: 0 with every worker READY, 13 with some, 9
 * when no pool runs; {@code --live} exits 0 whenever the manager answers; {@code --watch --count N}
 * prints N frames. (14, no worker READY, is {@code CrashLoopTest}'s.)
 */
@Timeout(120)
class StatusExitCodesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void allReadyIsZeroSomeReadyIsThirteenAndNoPoolIsNine() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1, "app.start_sleep_ms: 4000"))) {
            pool.awaitReady(1, WAIT);
            assertThat(pool.cli("status").exitCode()).isZero();
            assertThat(pool.cli("scale", "2").exitCode()).isZero();
            // The new worker's onStart takes 4 s: until then one of two is READY.
            CliResult degraded = pool.cli("status");
            assertThat(degraded.exitCode()).as(degraded.output()).isEqualTo(13);
            assertThat(degraded.output()).contains("workers 1/2 ready");
            assertThat(pool.cli("status", "--live").exitCode()).isZero();
            pool.awaitReady(2, WAIT);
            assertThat(pool.cli("status", "--json").exitCode()).isZero();
            CliResult watched = pool.cli("status", "--watch", "--count", "2");
            assertThat(watched.exitCode()).as(watched.output()).isZero();
            assertThat(watched.output())
                    .as("two frames, each after a line with the time")
                    .containsPattern("(?s)--- \\d\\d:\\d\\d:\\d\\d ---.*workers 2/2 ready.*--- \\d\\d:\\d\\d:\\d\\d ---"
                            + ".*workers 2/2 ready");
            assertThat(pool.cli("status", "--count", "2").exitCode())
                    .as("--count without --watch is a usage error")
                    .isEqualTo(2);
            assertThat(pool.cli("stop").exitCode()).isZero();
        }
        CliResult none = PoolProcess.run(
                PoolProcess.javaCommand(
                        "status", "--run-dir", dir.resolve("run").toString()),
                dir);
        assertThat(none.exitCode()).as(none.output()).isEqualTo(9);
        assertThat(PoolProcess.run(
                                PoolProcess.javaCommand(
                                        "status",
                                        "--live",
                                        "--run-dir",
                                        dir.resolve("run").toString()),
                                dir)
                        .exitCode())
                .as("no manager answers: not alive either")
                .isEqualTo(9);
    }
}
