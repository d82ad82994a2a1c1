package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.FailingStartConsumer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's HTTP endpoint ({@code http.listen}): {@code /health/ready} is 200 with every worker READY
 * and 503 in a crash loop, {@code /health/live} 200 while the manager answers, {@code /status} the pool's
 * status as JSON; other paths 404, other methods 405.
 */
@Timeout(120)
class HealthEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyWithEveryWorkerReadyLiveAndTheStatusAsJson() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2, "http.listen: " + port))) {
            pool.awaitReady(2, WAIT);
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready: 2 of 2 workers READY, 2 needed\n");
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> status = get(port, "/status");
            assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(PoolStatus.fromJson(status.body()).readyCount()).isEqualTo(2);
            assertThat(get(port, "/health/other").statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(pool.log()).contains("HTTP endpoint on http://127.0.0.1:" + port + "/");
        }
    }

    @Test
    void notReadyInACrashLoopButLive() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = PoolProcess.start(
                dir, Pools.yaml(FailingStartConsumer.class.getName(), 1, dir, "http.listen: 127.0.0.1:" + port))) {
            pool.awaitStatus("a crash loop", s -> s.pool().restarts() >= 2, WAIT);
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("not ready: 0 of 1 workers READY, 1 needed\n");
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anAddressThatCannotBeBoundStopsTheStartNamingIt() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.nio.file.Files.writeString(
                    dir.resolve("pool.yaml"), Pools.recording(dir, 1, "http.listen: " + taken.getLocalPort()));
            PoolProcess.CliResult start = PoolProcess.run(
                    PoolProcess.javaCommand(
                            "start", "-c", dir.resolve("pool.yaml").toString()),
                    dir);
            assertThat(start.exitCode()).as(start.output()).isEqualTo(11);
            assertThat(start.output())
                    .contains("http.listen 127.0.0.1")
                    .contains(":" + taken.getLocalPort() + " could not be bound");
        }
    }

    @Test
    void readyMinLowersWhatReadyNeeds() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = PoolProcess.start(
                dir,
                Pools.recording(dir, 2, "http.listen: " + port, "http.ready_min: 1", "app.start_sleep_ms: 4000"))) {
            pool.awaitReady(2, WAIT);
            assertThat(pool.cli("scale", "3").exitCode()).isZero();
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ready: 2 of 3 workers READY, 1 needed\n");
        }
    }
}
