package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import io.procpool.testkit.RedisFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ctx.send(slot, bytes)} reaches the worker of that slot whatever the pool's source, and a send
 * to a slot that has no worker is dropped and shown in status ({@code sends_dropped}).
 */
@Timeout(120)
class WorkerToWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "source {0}")
    @ValueSource(strings = {"queue", "tcp-process", "tcp-base", "redis-list"})
    void aSendReachesTheOtherSlotAndASendToNoSlotIsCounted(String source) throws Exception {
        int port = FrameClient.freePort();
        String key = "w2w-" + System.nanoTime();
        String settings = switch (source) {
            case "queue" -> "source: {type: queue}";
            case "tcp-process" -> "source: {type: tcp, listen: '127.0.0.1:" + port + "', mode: process}";
            case "tcp-base" -> "source: {type: tcp, listen: '127.0.0.1:" + port + "', mode: base}";
            default -> "source: {type: redis, uri: '" + redis.url() + "', mode: list, key: " + key + "}";
        };
        try (PoolProcess pool = PoolProcess.start(dir, Pools.recording(dir, 2, settings))) {
            pool.awaitReady(2, WAIT);
            AutoCloseable client =
                    submit(source, pool, port, key, List.of("send:0:to-zero", "send:1:to-one", "send:7:to-nobody"));
            try {
                pool.awaitStatus(
                        "two sends delivered and one dropped",
                        s -> {
                            try {
                                List<String> lines = RecordedOutput.processedLines(dir.resolve("records"));
                                return lines.stream().anyMatch(l -> l.startsWith("0 ") && l.endsWith(" to-zero"))
                                        && lines.stream().anyMatch(l -> l.startsWith("1 ") && l.endsWith(" to-one"))
                                        && s.pool().sendsDropped() == 1
                                        && s.pool().sendsDelivered() == 2;
                            } catch (java.io.IOException e) {
                                return false;
                            }
                        },
                        WAIT);
            } finally {
                client.close();
            }
            assertThat(pool.cli("status").output()).contains("worker-to-worker sends: 2 delivered, 1 dropped");
        }
    }

    /** Hands {@code bodies} to the pool through its source; returns what to close once they are done (a TCP client). */
    private static AutoCloseable submit(String source, PoolProcess pool, int port, String key, List<String> bodies)
            throws Exception {
        switch (source) {
            case "queue" -> pool.push(bodies);
            case "redis-list" -> {
                RedisClient client = RedisClient.create(redis.url());
                try (var c = client.connect()) {
                    c.sync().lpush(key, bodies.toArray(String[]::new));
                } finally {
                    client.shutdown();
                }
            }
            default -> {
                FrameClient client = new FrameClient(port, 10_000); // RecordingConsumer does not reply: keep it open
                for (String body : bodies) {
                    client.send(body);
                }
                return client;
            }
        }
        return () -> {};
    }
}
