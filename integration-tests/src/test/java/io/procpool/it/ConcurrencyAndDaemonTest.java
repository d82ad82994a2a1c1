package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** concurrency K runs K messages at once in one worker; --daemon detaches and writes pool.pid. */
@Timeout(120)
class ConcurrencyAndDaemonTest {

    @TempDir
    Path dir;

    @Test
    void oneWorkerWithConcurrencyFourRunsFourMessagesAtOnce() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "concurrency: 4", "app.sleep_ms: 1000"))) {
            pool.awaitReady(1, Duration.ofSeconds(30));
            pool.push(IntStream.range(0, 8).mapToObj(i -> "c" + i).toList());
            pool.awaitStatus(
                    "4 messages in flight in the one worker",
                    s -> s.workers().get(0).inFlight() == 4,
                    Duration.ofSeconds(10));
            pool.awaitStatus("all 8 processed", s -> s.workers().get(0).processed() == 8, Duration.ofSeconds(10));
            assertThat(RecordedOutput.processedLines(dir.resolve("records"))).hasSize(8);
        }
    }

    @Test
    void daemonModeDetachesWritesThePidFileAndStopsByCommand() throws Exception {
        Files.writeString(dir.resolve("pool.yaml"), Pools.recording(dir, 2));
        CliResult start = PoolProcess.run(
                PoolProcess.javaCommand(
                        "start", "--daemon", "-c", dir.resolve("pool.yaml").toString()),
                dir);
        long managerPid = -1;
        try {
            assertThat(start.exitCode()).as(start.output()).isZero();
            assertThat(start.output())
                    .contains("pool started in the background")
                    .contains("2 worker(s) ready");
            managerPid =
                    Long.parseLong(Files.readString(dir.resolve("run/pool.pid")).trim());
            assertThat(PoolProcess.isRunning(managerPid)).isTrue();
            PoolStatus status = PoolControl.of(dir.resolve("run")).status();
            assertThat(status.readyPids()).hasSize(2);

            CliResult stop = PoolProcess.run(
                    PoolProcess.javaCommand(
                            "stop", "-c", dir.resolve("pool.yaml").toString()),
                    dir);
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("pool stopped");
            assertThat(PoolProcess.isRunning(managerPid)).isFalse();
            assertThat(dir.resolve("run/pool.pid")).doesNotExist();
            assertThat(Files.readString(dir.resolve("run/pool.log")))
                    .contains("[manager]")
                    .contains("pool stopped");
        } finally {
            Pools.killDaemon(managerPid);
        }
    }
}
