package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 8: max_requests recycles a worker; and message_timeout replaces a stuck one. */
@Timeout(120)
class RecyclingTest {

    @TempDir
    Path dir;

    @Test
    void aWorkerIsRecycledAfterMaxRequestsMessages() throws Exception {
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 1, "max_requests: 100"))) {
            pool.awaitReady(1, Duration.ofSeconds(30));
            pool.push(IntStream.range(0, 250).mapToObj(i -> "m" + i).toList());
            pool.awaitStatus("250 messages acked", s -> s.queue().acked() == 250, Duration.ofSeconds(60));

            List<String> lines = RecordedOutput.processedLines(dir.resolve("records"));
            Map<String, Long> perPid =
                    lines.stream().collect(Collectors.groupingBy(l -> l.split(" ")[1], Collectors.counting()));
            assertThat(lines).hasSize(250);
            assertThat(perPid).hasSize(3);
            assertThat(perPid.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(100));
            assertThat(perPid.values().stream().sorted().toList()).containsExactly(50L, 100L, 100L);
            assertThat(pool.log()).contains("recycling worker").contains("max_requests reached");
        }
    }

    @Test
    void aWorkerStuckPastMessageTimeoutIsKilledAndItsMessageRedelivered() throws Exception {
        try (PoolProcess pool =
                PoolProcess.start(dir, Pools.recording(dir, 1, "message_timeout: 1s", "app.sleep_ms: 3000"))) {
            long first = pool.awaitReady(1, Duration.ofSeconds(30)).readyPids().get(0);
            pool.push(List.of("slow"));
            PoolStatus s = pool.awaitStatus(
                    "a new worker after the timeout",
                    st -> !st.readyPids().isEmpty() && st.readyPids().get(0) != first,
                    Duration.ofSeconds(30));
            assertThat(pool.log()).contains("message_timeout");
            assertThat(s.workers().get(0).restarts()).isEqualTo(1);
            // The redelivered message is still too slow and is killed again: what matters is that it came back.
            pool.awaitStatus(
                    "the message delivered again",
                    st -> pool.log().contains("redelivering 1 unacked message(s)"),
                    Duration.ofSeconds(10));
        }
    }
}
