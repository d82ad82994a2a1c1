package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 1 of the built-in queue issue: 100,000 messages while a random worker is SIGKILLed every 200 ms. */
@Timeout(200)
class WorkerKillStormTest {

    @TempDir
    Path dir;

    @Test
    void everyMessageIsProcessedAtLeastOnceWhileWorkersAreKilledEvery200ms() throws Exception {
        int n = 100_000;
        // min_uptime 0: a killed worker is a crash, not a crash loop, so its slot comes back at once
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 4, "min_uptime: 0", "app.sleep_us: 20"))) {
            pool.awaitReady(4, Duration.ofSeconds(60));
            for (int b = 0; b < 10; b++) {
                int from = b * 10_000;
                pool.push(IntStream.range(from, from + 10_000)
                        .mapToObj(i -> "m" + i)
                        .toList());
            }
            Random random = new Random(42);
            int kills = 0;
            // The storm lasts until every message is acked or for 100 s; on a slow machine (a worker
            // JVM may take a second to start under this load) the rest then drains without kills.
            long stormEnd = System.nanoTime() + Duration.ofSeconds(100).toNanos();
            PoolStatus status = pool.status();
            while (status.queue().acked() < n && System.nanoTime() < stormEnd) {
                List<Long> ready = status.readyPids();
                if (!ready.isEmpty()) {
                    long victim = ready.get(random.nextInt(ready.size()));
                    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                    kills++;
                }
                Thread.sleep(200);
                status = pool.status();
            }
            long ackedInStorm = status.queue().acked();
            status = pool.awaitStatus(
                    "the rest drained after the storm", s -> s.queue().acked() >= n, Duration.ofSeconds(60));
            assertThat(status.queue().acked())
                    .as("acked after " + kills + " kills")
                    .isEqualTo(n);

            List<String> lines = RecordedOutput.processedLines(dir.resolve("records"));
            Set<String> distinct = new HashSet<>();
            for (String l : lines) {
                distinct.add(l.substring(l.lastIndexOf(' ') + 1));
            }
            System.out.printf(
                    "kill storm: %d messages, %d workers killed, %d acked during the storm, %d processed more "
                            + "than once%n",
                    n, kills, ackedInStorm, lines.size() - distinct.size());
            assertThat(distinct).as("distinct messages processed").hasSize(n);
            assertThat(kills).isGreaterThan(3);
            assertThat(ackedInStorm)
                    .as("messages acked while workers were being killed")
                    .isGreaterThan(n / 10);
        }
    }
}
