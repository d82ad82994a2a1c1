package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap limit of workers whose {@code jvm_options} set none: an equal share of half the memory the JVM
 * sees (a container's limit or the host's RAM), worked out from the pool's worker count when each worker
 * starts; a heap flag of the user's own and procpool adds none. Read from each worker's command line.
 */
@Timeout(120)
class WorkerMemoryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static List<String> commandLine(long pid) throws Exception {
        String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    @Test
    void eachWorkerGetsItsShareOfHalfTheMemoryAlsoAfterAScale() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 4))) {
            PoolStatus four = pool.awaitReady(4, WAIT);
            for (long pid : four.readyPids()) {
                assertThat(commandLine(pid)).contains("-XX:MaxRAMPercentage=12.5", "-XX:MinRAMPercentage=12.5");
            }
            assertThat(pool.cli("scale", "5").exitCode()).isZero();
            PoolStatus five = pool.awaitReady(5, WAIT);
            long added = five.slot(4).orElseThrow().pid();
            assertThat(commandLine(added)).contains("-XX:MaxRAMPercentage=10.0");
        }
    }

    @Test
    void aHeapFlagOfTheUsersOwnIsLeftAsItIs() throws Exception {
        String yaml = Pools.recording(dir, 2, "jvm_options: [-XX:+UseSerialGC, -Xmx96m]");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            for (long pid : pool.awaitReady(2, WAIT).readyPids()) {
                assertThat(commandLine(pid))
                        .contains("-Xmx96m")
                        .noneMatch(a -> a.startsWith("-XX:MaxRAMPercentage") || a.startsWith("-XX:MinRAMPercentage"));
            }
        }
    }
}
