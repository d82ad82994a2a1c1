package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.PingLoopConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Loop mode (source none) and worker-to-worker messages with ctx.send. */
@Timeout(120)
class LoopModeTest {

    @TempDir
    Path dir;

    @Test
    void slotZeroSendsToSlotOneAndAReturningLoopIsReplaced() throws Exception {
        Files.createDirectories(dir.resolve("records"));
        String yaml = Pools.yaml(
                PingLoopConsumer.class.getName(), 2, dir, "source: {type: none}", "app.loops: 40", "min_uptime: 1s");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitStatus(
                    "slot 0 replaced after its loop returned",
                    s -> pool.log().contains("worker 1 in slot 0")
                            && pool.log().contains("exited normally; restarting"),
                    Duration.ofSeconds(30));
            List<String> received = received(dir.resolve("records"));
            assertThat(received).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("worker:0 ping "));
            PoolProcess.CliResult status = pool.cli("status", "--json");
            assertThat(status.output()).contains("\"source\" : \"none\"");
        }
    }

    @Test
    void aLoopThatThrowsEndsItsWorkerWithExitCode8AndTheSlotIsRestarted() throws Exception {
        String yaml = Pools.yaml(
                PingLoopConsumer.class.getName(),
                1,
                dir,
                "source: {type: none}",
                "app.loops: 2",
                "app.fail: true",
                "restart_backoff: 100ms");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitStatus(
                    "the worker exited with code 8 and its slot restarted",
                    s -> pool.log().contains("worker 1 in slot 0")
                            && pool.log().contains("consumer run() threw")
                            && s.workers().get(0).restarts() >= 1,
                    Duration.ofSeconds(30));
            assertThat(pool.log()).contains("the loop failed, as app.fail asks");
        }
    }

    private static List<String> received(Path records) throws Exception {
        try (Stream<Path> files = Files.list(records)) {
            return files.filter(p -> p.getFileName().toString().startsWith("received-"))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    })
                    .toList();
        }
    }
}
