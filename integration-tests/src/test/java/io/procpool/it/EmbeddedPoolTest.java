package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.ConsumerPool;
import io.procpool.PoolListener;
import io.procpool.testkit.EmbeddedPoolProgram;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded API: ConsumerPool with listeners, and the four handler styles. */
@Timeout(120)
class EmbeddedPoolTest {

    @TempDir
    Path dir;

    @Test
    void aConsumerClassPoolInThisJvmCallsItsListeners() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void onStart() {
                events.add("start");
            }

            @Override
            public void onWorkerStart(int slot, long pid) {
                events.add("worker-start " + slot);
            }

            @Override
            public void onWorkerExit(int slot, long pid, int exitCode) {
                events.add("worker-exit " + slot + " " + exitCode);
            }

            @Override
            public void onShutdown() {
                events.add("shutdown");
            }
        };
        try (ConsumerPool pool = ConsumerPool.builder(RecordingConsumer.class)
                .workers(2)
                .runDir(dir.resolve("run"))
                .set("app.record_dir", dir.resolve("records").toString())
                .listener(listener)
                .start()) {
            pool.awaitReady(Duration.ofSeconds(30));
            List<String> ids = pool.push("a", "b", "c");
            assertThat(ids).hasSize(3);
            RecordedOutput.awaitProcessedBodies(3, Duration.ofSeconds(20), dir.resolve("records"));
            assertThat(RecordedOutput.processedLines(dir.resolve("records"))).hasSize(3);
            pool.scale(3);
            pool.awaitReady(Duration.ofSeconds(30));
        }
        assertThat(events)
                .startsWith("worker-start 0", "worker-start 1", "start")
                .endsWith("shutdown")
                .contains("worker-start 2", "worker-exit 0 0", "worker-exit 1 0", "worker-exit 2 0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lambda", "static", "bound"})
    void aHandlerThatIsNotAClassRunsInWorkersThatReRunMain(String style) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedPoolProgram.class.getName(),
                dir.toString(),
                style));
        PoolProcess.CliResult r = PoolProcess.run(cmd, dir);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("EMBEDDED DONE 10");
        List<String> handled = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("handled-"))
                    .toList()) {
                handled.addAll(Files.readAllLines(f));
            }
        }
        assertThat(handled).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(r.output()).doesNotContain("Exception");
    }

    @Test
    void aProgramThatExitsWithoutClosingItsPoolStopsItsWorkersGracefully() throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedExitProgram.class.getName(),
                dir.toString());
        PoolProcess.CliResult r = PoolProcess.run(cmd, dir);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String workers = r.output()
                .lines()
                .filter(l -> l.startsWith("WORKERS "))
                .findFirst()
                .orElseThrow();
        for (String pid : workers.substring("WORKERS ".length()).split(" ")) {
            assertThat(dir.resolve("records/stopped-" + pid))
                    .as("onStop of worker " + pid)
                    .exists();
            assertThat(PoolProcess.isRunning(Long.parseLong(pid))).isFalse();
        }
    }
}
