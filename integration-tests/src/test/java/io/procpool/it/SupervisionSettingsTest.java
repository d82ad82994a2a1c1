package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.PoolControl;
import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervision settings of the configuration reference: max_requests_jitter, max_memory, startup_timeout, aot_cache. */
@Timeout(180)
class SupervisionSettingsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void eachWorkerGetsItsOwnMaxRequestsWithinTheJitter() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 4, "max_requests: 1000", "max_requests_jitter: 1000"))) {
            PoolStatus s = pool.awaitReady(4, WAIT);
            List<Long> limits = s.workers().stream().map(w -> w.maxRequests()).toList();
            assertThat(limits).allSatisfy(l -> assertThat(l).isBetween(1000L, 2000L));
            assertThat(limits.stream().distinct().count())
                    .as("four workers, not one shared limit: " + limits)
                    .isGreaterThan(1);
        }
    }

    @Test
    void aWorkerAboveMaxMemoryIsRecycledAfterItsMessage() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1, "max_memory: 200MiB"))) {
            long first = pool.awaitReady(1, WAIT).readyPids().get(0);
            pool.push(List.of("grow:300"));
            PoolStatus s = pool.awaitStatus(
                    "a successor ready and the old worker gone",
                    st -> st.readyPids().size() == 1
                            && st.readyPids().get(0) != first
                            && st.workers().size() == 1,
                    WAIT);
            assertThat(pool.log())
                    .containsPattern("recycling worker 1 in slot 0 \\(pid " + first + "\\): RSS \\d+ MiB is over "
                            + "max_memory 200 MiB");
            assertThat(s.queue().acked()).as("its message finished first").isEqualTo(1);
            assertThat(dir.resolve("records/stopped-" + first))
                    .as("it stopped gracefully")
                    .exists();
        }
    }

    @Test
    void aWorkerNotReadyWithinStartupTimeoutIsKilledAndRestartedWithBackoff() throws Exception {
        try (PoolProcess pool = PoolProcess.start(
                dir,
                Pools.recording(
                        dir, 1, "startup_timeout: 1s", "app.start_sleep_ms: 30000", "restart_backoff: 200ms"))) {
            pool.awaitStatus(
                    "the slow starter killed and the slot restarted",
                    s -> pool.log().contains("was not ready within startup_timeout 1s; killing it")
                            && s.workers().get(0).restarts() >= 1,
                    WAIT);
        }
    }

    @Test
    void theAotCacheTrainedInOneRunIsUsedByTheWorkersOfTheNext() throws Exception {
        Path lib = DocumentedConfigsTest.ROOT.resolve("examples/target/lib");
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        try (Stream<Path> files = Files.list(lib.getParent())) {
            files.filter(p -> p.getFileName().toString().matches("examples-.*\\.jar"))
                    .forEach(jars::add);
        }
        Files.writeString(dir.resolve("pool.yaml"), "consumer: io.procpool.examples.GreetingConsumer\nworkers: 1\n");
        // a classpath of jars only, as bin/pool runs it: the JVM caches no directory
        String classpath = String.join(":", jars.stream().map(Path::toString).toList());
        List<String> start = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpath,
                "io.procpool.cli.PoolCli",
                "start",
                "-c",
                dir.resolve("pool.yaml").toString());

        try (Manager first = new Manager(start, dir.resolve("first.log"))) {
            first.awaitStatus(s -> s.readyCount() == 1);
            assertThat(Files.readString(dir.resolve("first.log"))).contains("trains the AOT cache");
            PoolControl.of(dir.resolve("run")).reload(); // the trainer exits: the JVM writes the cache
            awaitTrue("the cache written", () -> aotFiles().size() == 1);
            first.stop();
        }
        try (Manager second = new Manager(start, dir.resolve("second.log"))) {
            PoolStatus s = second.awaitStatus(st -> st.readyCount() == 1);
            long worker = s.readyPids().get(0);
            String cmdline = new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(worker), "cmdline")),
                            StandardCharsets.UTF_8)
                    .replace('\0', ' ');
            assertThat(cmdline).contains("-XX:AOTCache=" + aotFiles().get(0));
            assertThat(Files.readString(dir.resolve("second.log"))).doesNotContain("trains the AOT cache");
            second.stop();
        }
    }

    private List<Path> aotFiles() throws IOException {
        Path aot = dir.resolve("data/aot");
        if (!Files.isDirectory(aot)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(aot)) {
            return files.filter(p -> p.toString().endsWith(".aot")).toList();
        }
    }

    private static void awaitTrue(String what, java.util.concurrent.Callable<Boolean> condition) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition);
    }

    /** A manager started with a command of the test's own; stopped, or killed with its workers, at the end. */
    private final class Manager implements AutoCloseable {
        private final Process process;

        Manager(List<String> command, Path log) throws IOException {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        }

        PoolStatus awaitStatus(Predicate<PoolStatus> condition) {
            return await("the pool's status")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                assertThat(process.isAlive())
                                        .as("the manager is running")
                                        .isTrue();
                                try {
                                    return PoolControl.of(dir.resolve("run")).status();
                                } catch (IOException e) {
                                    return null; // not listening yet
                                }
                            },
                            s -> s != null && condition.test(s));
        }

        void stop() throws Exception {
            PoolControl.of(dir.resolve("run")).stop();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("the manager stopped")
                    .isTrue();
        }

        @Override
        public void close() {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
