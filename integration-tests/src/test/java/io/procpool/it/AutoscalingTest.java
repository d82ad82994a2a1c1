package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.PoolProcess.CliResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code workers: {min: 1, max: 4}}: a backlog of 30,000 slow messages grows the pool to 4, never past it,
 * and the empty queue shrinks it back to 1, one worker at a time; each decision is logged with its reason
 * and shown in status and metrics; {@code pool scale} is refused for the autoscaled group.
 */
@Timeout(240)
class AutoscalingTest {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void aBacklogGrowsThePoolToMaxAndAnEmptyQueueShrinksItToMin() throws Exception {
        int port = FrameClient.freePort();
        int n = 30_000;
        try (PoolProcess pool = PoolProcess.start(
                dir,
                Pools.recording(
                        dir,
                        1,
                        "workers: {min: 1, max: 4, backlog_per_worker: 100, cooldown: 1s, idle_after: 2s}",
                        "app.sleep_us: 1000",
                        "http.listen: " + port))) {
            pool.awaitReady(1, WAIT);
            PoolStatus start = pool.status();
            assertThat(start.pool().workersTarget()).as("it starts with min").isEqualTo(1);
            assertThat(start.groups().get(0).autoscale()).hasValueSatisfying(a -> {
                assertThat(a.min()).isEqualTo(1);
                assertThat(a.max()).isEqualTo(4);
                assertThat(a.lastDecision()).isEqualTo("none yet");
            });

            pool.push(IntStream.range(0, n).mapToObj(i -> "m" + i).toList());
            AtomicInteger most = new AtomicInteger();
            pool.awaitStatus(
                    "grown to 4 READY workers",
                    s -> {
                        most.accumulateAndGet(s.pool().workersTarget(), Math::max);
                        return s.pool().workersReady() == 4;
                    },
                    WAIT);
            PoolStatus grown = pool.status();
            assertThat(grown.groups().get(0).autoscale().get().lastDecision())
                    .contains("-> 4: backlog", "per READY worker", "over workers.backlog_per_worker 100");
            assertThat(pool.cli("status").output())
                    .containsPattern(
                            "autoscale: 1-4 workers, backlog \\d+, [12] up, 0 down; last: [1-3] -> 4: backlog");
            CliResult scale = pool.cli("scale", "2");
            assertThat(scale.exitCode()).as(scale.output()).isNotZero();
            assertThat(scale.output()).contains("autoscaled between workers.min 1 and workers.max 4");

            PoolStatus shrunk = pool.awaitStatus(
                    "every message acked, and back to 1 worker",
                    s -> {
                        most.accumulateAndGet(s.pool().workersTarget(), Math::max);
                        return s.queue().acked() == n
                                && s.workers().size() == 1
                                && s.pool().workersTarget() == 1;
                    },
                    WAIT);
            assertThat(most.get()).as("never past max").isEqualTo(4);
            assertThat(shrunk.queue().dead()).isZero();
            assertThat(shrunk.groups().get(0).autoscale()).hasValueSatisfying(a -> {
                assertThat(a.downs())
                        .as("one worker at a time: 4 -> 3 -> 2 -> 1")
                        .isEqualTo(3);
                assertThat(a.lastDecision()).startsWith("2 -> 1: idle for 2s");
            });
            assertThat(pool.log())
                    .containsPattern("autoscaling from [1-3] to 4 worker\\(s\\): backlog")
                    .contains("autoscaling from 4 to 3 worker(s): idle for 2s");

            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("procpool_autoscale_decisions_total{direction=\"down\",group=\"default\"} 3.0")
                    .contains("procpool_workers_target{group=\"default\"} 1.0");
        }
    }
}
