package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.PoolProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics}: scraped while 2 workers consume 10,000 messages and one is SIGKILLed, the processed
 * counter summed over its labels never goes down and ends at 10,000; names follow Prometheus's
 * conventions.
 */
@Timeout(180)
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private String scrape(int port) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The sum over its labels of a metric's samples in a scrape. */
    static double sum(String scrape, String metric) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void theProcessedCounterNeverGoesDownThoughAWorkerIsKilledAndEndsAtTheMessageCount() throws Exception {
        int port = FrameClient.freePort();
        int n = 10_000;
        try (PoolProcess pool = PoolProcess.start(
                dir, Pools.recording(dir, 2, "http.listen: " + port, "app.sleep_us: 500", "source.prefetch: 16"))) {
            pool.awaitReady(2, WAIT);
            // slot 1's worker: scaling to 1 later removes that slot, and its restart must stay counted
            long victim = pool.status().slot(1).orElseThrow().pid();
            pool.push(IntStream.range(0, n).mapToObj(i -> "m" + i).toList());

            List<Double> seen = new ArrayList<>();
            boolean killed = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                double processed = sum(scrape(port), "procpool_messages_processed_total");
                seen.add(processed);
                if (!killed && processed >= n / 5.0) {
                    new ProcessBuilder("kill", "-9", Long.toString(victim))
                            .start()
                            .waitFor();
                    killed = true;
                }
                if (processed >= n) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(killed).as("a worker was killed mid-run").isTrue();
            assertThat(seen).as("processed, scrape by scrape").isSorted();
            assertThat(seen.get(seen.size() - 1)).isEqualTo((double) n);

            pool.awaitReady(2, WAIT);
            String last = scrape(port);
            assertThat(sum(last, "procpool_messages_processed_total"))
                    .as("not one more")
                    .isEqualTo((double) n);
            assertThat(sum(last, "procpool_message_handling_seconds_count"))
                    .as("the handling-time histogram counts each processed message once, the killed worker's too")
                    .isEqualTo((double) n);
            assertThat(last).contains("procpool_message_handling_seconds_bucket{group=\"default\",le=\"+Inf\"} 10000");
            assertThat(sum(last, "procpool_message_handling_seconds_sum"))
                    .as("each message sleeps 500 µs in onMessage")
                    .isGreaterThanOrEqualTo(n * 0.0005);
            assertThat(sum(last, "procpool_worker_restarts_total")).isEqualTo(1.0);
            assertThat(last)
                    .contains("procpool_worker_restarts_total{cause=\"sigkill\",group=\"default\"} 1.0")
                    .containsPattern("procpool_ipc_frames_received_total\\{type=\"ack\"} [1-9]")
                    .containsPattern("procpool_ipc_frames_received_total\\{type=\"hello\"} 3.0")
                    .contains("procpool_queue_redelivered_total{group=\"default\",queue=\"default\"} 0.0")
                    .contains("procpool_queue_dead_lettered_total{group=\"default\",queue=\"default\"} 0.0");
            assertThat(sum(last, "procpool_workers_ready")).isEqualTo(2.0);
            assertThat(last)
                    .contains("procpool_messages_processed_total{group=\"default\"}")
                    .contains("procpool_messages_failed_total{group=\"default\"}")
                    .contains("procpool_queue_depth{group=\"default\",queue=\"default\"}")
                    .containsPattern("procpool_worker_rss_bytes\\{group=\"default\",slot=\"0\"} [0-9.E]+")
                    .contains("procpool_worker_in_flight{group=\"default\",slot=\"1\"}");
            assertThat(last.getBytes(StandardCharsets.UTF_8).length).isLessThan(64 * 1024);

            assertThat(pool.cli("scale", "1").exitCode()).isZero();
            pool.awaitStatus("one worker left", s -> s.workers().size() == 1, WAIT);
            assertThat(scrape(port))
                    .as("the slot scaled away leaves the scrape")
                    .contains("slot=\"0\"")
                    .doesNotContain("slot=\"1\"");
            assertThat(sum(scrape(port), "procpool_worker_restarts_total"))
                    .as("the restart of the slot scaled away still counts: a counter never goes down")
                    .isEqualTo(1.0);
        }
    }
}
