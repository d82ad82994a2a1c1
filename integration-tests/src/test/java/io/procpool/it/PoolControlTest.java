package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.PoolStatus.PoolState;
import io.procpool.testkit.PoolProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** docs/java-api.md's "Controlling a pool from Java": PoolControl does what the CLI does, and says why when it cannot. */
@Timeout(120)
class PoolControlTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void statusScaleReloadAndStopFromJava() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1))) {
            pool.awaitReady(1, WAIT);
            PoolControl control = PoolControl.of(pool.runDir());
            PoolStatus status = control.status();
            assertThat(status.pool().state()).isEqualTo(PoolState.RUNNING);
            assertThat(status.pool().workersTarget()).isEqualTo(1);

            assertThat(control.scale(2)).contains("2");
            List<Long> two = pool.awaitReady(2, WAIT).readyPids();
            control.reload();
            pool.awaitStatus(
                    "both workers replaced",
                    s -> s.readyCount() == 2
                            && s.workers().size() == 2
                            && s.readyPids().stream().noneMatch(two::contains),
                    WAIT);

            assertThatThrownBy(() -> control.scale(0))
                    .isInstanceOf(PoolControl.RefusedException.class)
                    .hasMessageContaining("workers must be from 1 to 1024, but was 0");
            Files.writeString(dir.resolve("pool.yaml"), "workers: many\n", java.nio.file.StandardOpenOption.APPEND);
            assertThatThrownBy(control::reloadConfiguration)
                    .isInstanceOf(PoolControl.RefusedException.class)
                    .hasMessageContaining("workers");
            assertThat(control.status().pool().workersTarget())
                    .as("the running configuration stays")
                    .isEqualTo(2);

            control.stop(Duration.ofSeconds(10));
            assertThat(pool.awaitExit(WAIT)).isZero();
        }
    }

    @Test
    void aRunDirectoryWithNoPoolIsNotRunning() {
        assertThatThrownBy(() -> PoolControl.of(dir.resolve("run")).status())
                .isInstanceOf(PoolControl.NotRunningException.class)
                .hasMessageContaining("no pool is running");
    }

    @Test
    void reloadConfigIsTheFileOptionAsEverywhereAndRereadIsTheSwitch() throws Exception {
        PoolProcess.CliResult old = PoolProcess.run(PoolProcess.javaCommand("reload", "--config"), dir);
        assertThat(old.exitCode()).as(old.output()).isEqualTo(2);
        assertThat(old.output()).contains("Missing required parameter for option '--config'");
    }
}
