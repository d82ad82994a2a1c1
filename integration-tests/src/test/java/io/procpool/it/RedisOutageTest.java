package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import io.procpool.testkit.RedisFixture;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis source when Redis goes away (RedisFixture, and servers of its own): a server killed and restarted,
 * a pool started before its server, every client connection killed.
 */
@Timeout(180)
class RedisOutageTest extends RedisPoolTest {

    @org.junit.jupiter.params.ParameterizedTest(name = "mode {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"list", "stream"})
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void aRedisServerKilledMidRunAndRestartedWithItsAppendOnlyFileLosesNoMessage(String mode) throws Exception {
        int n = 3_000;
        int port = FrameClient.freePort();
        try (io.procpool.testkit.LocalRedis own = io.procpool.testkit.LocalRedis.start(port, true)) {
            RedisClient ownClient = RedisClient.create(own.url());
            try (StatefulRedisConnection<String, String> c = ownClient.connect()) {
                for (int i = 0; i < n; i++) {
                    if (mode.equals("list")) {
                        c.async().lpush(key, "r" + i);
                    } else {
                        c.async().xadd(key, Map.of("body", "r" + i));
                    }
                }
                c.sync().ping(); // after every write above
            } finally {
                ownClient.shutdown();
            }
            Path d = dir.resolve("restart");
            PoolProcess pool = PoolProcess.start(
                    d,
                    Pools.yaml(
                            RecordingConsumer.class.getName(),
                            2,
                            d,
                            "source.type: redis",
                            "source.uri: '" + own.url() + "'",
                            "source.key: " + key,
                            "source.mode: " + mode,
                            mode.equals("stream") ? "source.claim_idle: 2s" : "source.batch: 64",
                            "app.sleep_us: 1000",
                            "min_uptime: 0"));
            pools.add(pool);
            pool.awaitReady(2, Duration.ofSeconds(60));
            RecordedOutput.awaitProcessedBodies(n / 4, Duration.ofSeconds(60), d.resolve("records"));
            own.kill(); // SIGKILL mid-run: fetches and acks in flight are lost with it
            pool.awaitStatus(
                    "the workers see it gone",
                    st -> st.pool().sourceAvailable().equals(Optional.of(false)),
                    Duration.ofSeconds(30));
            own.restart();
            Set<String> seen = RecordedOutput.awaitProcessedBodies(n, Duration.ofMinutes(2), d.resolve("records"));
            assertThat(seen)
                    .as(() -> "messages processed after the restart\n" + pool.log())
                    .hasSize(n);
            System.out.printf(
                    "redis %s: %d messages, redis-server SIGKILLed and restarted: %d processed more than once%n",
                    mode, n, RecordedOutput.processedLines(d.resolve("records")).size() - n);
        }
    }

    @Test
    void aPoolStartedBeforeRedisWaitsForItAndThenConsumes() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String late = "redis://127.0.0.1:" + port;
        Path d = dir.resolve("late");
        PoolProcess pool = PoolProcess.start(
                d,
                Pools.yaml(
                        RecordingConsumer.class.getName(),
                        2,
                        d,
                        "source.type: redis",
                        "source.uri: '" + late + "'",
                        "source.key: " + key,
                        "source.mode: stream"));
        pools.add(pool);
        pool.awaitReady(2, Duration.ofSeconds(60));
        PoolStatus down = pool.awaitStatus(
                "the source unavailable",
                st -> st.pool().sourceAvailable().equals(Optional.of(false)),
                Duration.ofSeconds(30));
        List<Long> pids = down.readyPids();
        assertThat(pool.cli("status").output())
                .contains("source redis: UNAVAILABLE")
                .contains("available=false");
        Thread.sleep(1_000);
        assertThat(pool.status().readyPids())
                .as("the same workers: no crash loop while Redis is down")
                .containsExactlyInAnyOrderElementsOf(pids);
        try (AutoCloseable ignored = RedisFixture.startLocal(port)) {
            RedisClient lateClient = RedisClient.create(late);
            try (StatefulRedisConnection<String, String> c = lateClient.connect()) {
                for (int i = 0; i < 20; i++) {
                    c.sync().xadd(key, Map.of("body", "late" + i));
                }
            } finally {
                lateClient.shutdown();
            }
            assertThat(RecordedOutput.awaitProcessedBodies(20, Duration.ofSeconds(60), d.resolve("records")))
                    .hasSize(20);
            pool.awaitStatus(
                    "the source available",
                    st -> st.pool().sourceAvailable().equals(Optional.of(true)),
                    Duration.ofSeconds(30));
            assertThat(pool.status().readyPids()).containsExactlyInAnyOrderElementsOf(pids);
            assertThat(pool.cli("status").output())
                    .contains("source redis: available")
                    .containsPattern("read=\\d+");
            pool.close(); // before its Redis goes
        }
    }

    @Test
    void streamSurvivesEveryClientConnectionKilledAndDeadLettersAPoison() throws Exception {
        pool(
                "kill",
                2,
                "source.mode: stream",
                "source.claim_idle: 1s",
                "retry.max_tries: 1",
                "source.max_deliveries: 2");
        for (int i = 0; i < 200; i++) {
            r.xadd(key, Map.of("body", "x" + i));
        }
        r.xadd(key, Map.of("body", "poison-s"));
        RecordedOutput.awaitProcessedBodies(50, Duration.ofSeconds(30), dir.resolve("kill/records"));
        r.clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
        for (int i = 200; i < 400; i++) {
            r.xadd(key, Map.of("body", "x" + i));
        }
        Set<String> seen =
                RecordedOutput.awaitProcessedBodies(400, Duration.ofSeconds(60), dir.resolve("kill/records"));
        assertThat(seen).hasSize(400);
        PoolStatus status = pools.get(0)
                .awaitStatus(
                        "the source available again",
                        st -> st.pool().sourceAvailable().equals(Optional.of(true)),
                        Duration.ofSeconds(30));
        assertThat(status.workers()).allSatisfy(w -> assertThat(w.source()).isNotEmpty());
        assertSoleDeadEntry("poison-s", "cannot process poison-s");
        List<String> tries = RecordedOutput.lines(dir.resolve("kill/records"), "tries-");
        assertThat(tries).as("max_deliveries deliveries").hasSize(2);
        assertThat(tries.stream().map(t -> t.split(" ")[0]).distinct())
                .as("the entry id on every delivery")
                .hasSize(1);
    }

    /** Waits up to a minute for an entry in the dead-letter stream; it must be the only one, with this body and error. */
    private void assertSoleDeadEntry(String body, String error) throws InterruptedException {
        Polls.until("a dead letter", Duration.ofSeconds(60), () -> r.xlen(key + ":dead") > 0);
        List<StreamMessage<String, String>> dead = r.xrange(key + ":dead", io.lettuce.core.Range.create("-", "+"));
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.getBody()).containsEntry("body", body);
            assertThat(m.getBody().get("error")).contains(error);
        });
    }
}
