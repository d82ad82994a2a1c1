package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Acceptance of the pool-redis issue against a real Redis (RedisFixture): lists and streams. */
@Timeout(180)
class RedisSourceTest extends RedisPoolTest {

    @Test
    void listAPoolStartedAgainOnItsRunDirectoryTakesBackWhatTheKilledOneHeld() throws Exception {
        PoolProcess first = pool("again", 1, "app.sleep_ms: 300", "source.prefetch: 4", "source.batch: 4");
        for (int i = 0; i < 6; i++) {
            r.lpush(key, "h" + i);
        }
        List<Long> workers = first.awaitInFlight(1, Duration.ofSeconds(30)).readyPids();
        first.process().destroyForcibly(); // the manager, and with it its worker, mid-message
        first.awaitExit(Duration.ofSeconds(10));
        Path d = dir.resolve("again");
        Polls.until(
                "the killed pool's workers gone",
                Duration.ofSeconds(10),
                () -> workers.stream().noneMatch(PoolProcess::isRunning));
        assertThat(r.keys(key + ":processing:*"))
                .as("the killed pool's processing list")
                .hasSize(1);
        PoolProcess second = PoolProcess.start(d, java.nio.file.Files.readString(d.resolve("pool.yaml")));
        pools.add(second);
        second.awaitReady(1, Duration.ofSeconds(60));
        Set<String> seen = RecordedOutput.awaitProcessedBodies(6, Duration.ofSeconds(60), d.resolve("records"));
        assertThat(seen).containsExactlyInAnyOrder("h0", "h1", "h2", "h3", "h4", "h5");
        assertThat(second.log())
                .containsPattern("taking back [1-4] message\\(s\\) that this slot's previous worker held");
    }

    @Test
    void listHandlingTimesRideTheWorkersHeartbeatsAndCountEachProcessedMessage() throws Exception {
        int port = FrameClient.freePort();
        pool("timed", 2, "http.listen: " + port, "app.sleep_ms: 2");
        int n = 300;
        for (int i = 0; i < n; i++) {
            r.lpush(key, "t" + i);
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var get = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build();
        String[] last = {""};
        boolean counted =
                Polls.until("every message in the histogram and the processed counter", Duration.ofMinutes(1), () -> {
                    last[0] = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
                    return MetricsTest.sum(last[0], "procpool_message_handling_seconds_count") == n
                            && MetricsTest.sum(last[0], "procpool_messages_processed_total") == n;
                });
        assertThat(counted).as(last[0]).isTrue();
        assertThat(MetricsTest.sum(last[0], "procpool_message_handling_seconds_sum"))
                .as("each took at least 2 ms")
                .isGreaterThanOrEqualTo(n * 0.002);
    }

    @Test
    void listMessagesWithEqualBodiesKeepTheirOwnFailureCounts() throws Exception {
        pool("equal", 1, "retry.max_tries: 1", "source.max_deliveries: 3");
        // The first of the two fails once ("flaky"), the second succeeds at once: the success of one
        // must not erase the failure of the other, which is delivered again as its attempt 2.
        r.lpush(key, "flaky-dup", "flaky-dup");
        Polls.until(
                "both processed",
                Duration.ofSeconds(30),
                () -> RecordedOutput.processedLines(dir.resolve("equal/records"))
                                .size()
                        >= 2);
        assertThat(RecordedOutput.processedLines(dir.resolve("equal/records")))
                .extracting(l -> l.split(" ")[3])
                .as("attempts of the two equal bodies")
                .containsExactlyInAnyOrder("1", "2");

        r.lpush(key, "poison-dup", "poison-dup");
        Polls.until("both dead-lettered", Duration.ofSeconds(30), () -> r.llen(key + ":dead") >= 2);
        assertThat(r.lrange(key + ":dead", 0, -1)).containsExactly("poison-dup", "poison-dup");
        assertThat(r.llen(key + ":dead:errors")).isEqualTo(2);
        List<String> tries = RecordedOutput.lines(dir.resolve("equal/records"), "tries-");
        assertThat(tries).as("each of the two delivered max_deliveries times").hasSize(6);
        assertThat(tries.stream().map(t -> t.split(" ")[0]).distinct())
                .as("two messages, two ids")
                .hasSize(2);
    }

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void streamTwoPoolsShareAGroupAndTheSurvivorClaimsWhatAKilledPoolHeld() throws Exception {
        int n = 100_000;
        RedisAsyncCommands<String, String> a = connection.async();
        connection.setAutoFlushCommands(false);
        for (int i = 0; i < n; i++) {
            a.xadd(key, Map.of("body", "e" + i));
            if (i % 1000 == 999) {
                connection.flushCommands();
            }
        }
        connection.flushCommands();
        connection.setAutoFlushCommands(true);
        assertThat(r.xlen(key)).isEqualTo(n);
        // 100 µs a message: the first pool is killed mid-run, holding entries the survivor must claim
        String[] stream = {
            "source.mode: stream",
            "source.claim_idle: 2s",
            "source.batch: 200",
            "source.prefetch: 400",
            "app.sleep_us: 100"
        };
        PoolProcess first = pool("first", 2, stream);
        PoolProcess second = pool("second", 2, stream);
        RecordedOutput.awaitProcessedBodies(
                20_000, Duration.ofSeconds(60), dir.resolve("first/records"), dir.resolve("second/records"));
        List<Long> firstPids = new ArrayList<>(first.status().readyPids());
        firstPids.add(first.pid());
        firstPids.forEach(
                pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)); // kill -9 the whole pool
        Set<String> seen = RecordedOutput.awaitProcessedBodies(
                n, Duration.ofMinutes(2), dir.resolve("first/records"), dir.resolve("second/records"));
        assertThat(seen).hasSize(n);
        assertThat(second.log()).contains("reading Redis stream");
        long claimed = second.status().workers().stream()
                .mapToLong(w -> Long.parseLong(w.source().getOrDefault("claimed", "0")))
                .sum();
        assertThat(claimed)
                .as("entries the survivor claimed from the killed pool")
                .isPositive();
        Polls.until(
                "every entry acked",
                Duration.ofSeconds(30),
                () -> r.xpending(key, "procpool").getCount() == 0);
        assertThat(r.xpending(key, "procpool").getCount())
                .as("entries left unacked")
                .isZero();
        System.out.printf("redis streams: %d entries, two pools, one killed: all processed%n", n);
    }

    @Test
    void streamARestartedWorkerTakesBackItsPendingEntriesOnceEach() throws Exception {
        PoolProcess pool =
                pool("own", 1, "source.mode: stream", "app.sleep_ms: 100", "source.prefetch: 8", "source.batch: 4");
        for (int i = 0; i < 40; i++) {
            r.xadd(key, Map.of("body", "o" + i));
        }
        RecordedOutput.awaitProcessedBodies(3, Duration.ofSeconds(30), dir.resolve("own/records"));
        long killed = pool.status().readyPids().get(0);
        ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly); // its 8 entries stay pending under its name
        Set<String> seen = RecordedOutput.awaitProcessedBodies(40, Duration.ofSeconds(60), dir.resolve("own/records"));
        assertThat(seen).hasSize(40);
        Map<String, Long> byNewWorker = new java.util.TreeMap<>();
        for (String l : RecordedOutput.processedLines(dir.resolve("own/records"))) {
            String[] f = l.split(" ");
            if (Long.parseLong(f[1]) != killed) {
                byNewWorker.merge(f[5], 1L, Long::sum);
            }
        }
        assertThat(byNewWorker)
                .as("entries the restarted worker processed more than once")
                .allSatisfy((body, times) -> assertThat(times).as(body).isEqualTo(1L));
    }

    @Test
    void streamEntriesAWorkerHoldsLongerThanClaimIdleAreNotClaimedWhileItLives() throws Exception {
        // 20 entries of 200 ms each in each worker's window: the last wait 4 s there, four times claim_idle
        pool(
                "held",
                2,
                "source.mode: stream",
                "source.claim_idle: 1s",
                "source.prefetch: 20",
                "source.batch: 20",
                "app.sleep_ms: 200");
        for (int i = 0; i < 40; i++) {
            r.xadd(key, Map.of("body", "w" + i));
        }
        Set<String> seen = RecordedOutput.awaitProcessedBodies(40, Duration.ofSeconds(60), dir.resolve("held/records"));
        assertThat(seen).hasSize(40);
        assertThat(RecordedOutput.processedLines(dir.resolve("held/records")))
                .as("entries processed: none claimed from a live worker and run twice")
                .hasSize(40);
    }

    @Test
    void streamFieldsBesideTheBodyAreHeadersAndTheBodyArrivesByteForByte() throws Exception {
        PoolProcess pool = pool("fields", 1, "source.mode: stream", "source.prefetch: 300");
        PoolStatus st = pool.awaitStatus(
                "the worker's source in status",
                x -> !x.workers().get(0).source().isEmpty(),
                Duration.ofSeconds(30));
        assertThat(st.workers().get(0).source().get("prefetch"))
                .as("the window as configured")
                .hasToString("300");
        r.xadd(key, Map.of("body", "headers-1 \u00fcber \u6f22", "trace", "t-42", "tenant", "\u00e9cole"));
        r.xadd(key, Map.of("body", "headers-2"));
        Set<String> seen =
                RecordedOutput.awaitProcessedBodies(2, Duration.ofSeconds(30), dir.resolve("fields/records"));
        assertThat(seen).contains("headers-2");
        List<String> lines = new ArrayList<>();
        try (var files = java.nio.file.Files.list(dir.resolve("fields/records"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("headers-"))
                    .toList()) {
                lines.addAll(java.nio.file.Files.readAllLines(f));
            }
        }
        assertThat(lines)
                .containsExactlyInAnyOrder(
                        "headers-1 \u00fcber \u6f22 {tenant=\u00e9cole, trace=t-42}", "headers-2 {}");
    }

    @Test
    void streamMaxLengthTrimsWhatTheGroupAckedAndNeverAnEntryNotYetProcessed() throws Exception {
        int n = 3_000;
        // slow enough that most entries wait unread while the trims run: none of them may be trimmed
        PoolProcess pool = pool(
                "trim",
                2,
                "source.mode: stream",
                "source.max_length: 200",
                "app.sleep_us: 1000",
                "source.prefetch: 20",
                "source.batch: 10");
        for (int i = 0; i < n; i++) {
            r.xadd(key, Map.of("body", "t" + i));
        }
        Set<String> seen = RecordedOutput.awaitProcessedBodies(n, Duration.ofSeconds(90), dir.resolve("trim/records"));
        assertThat(seen)
                .as("every entry processed: none was trimmed before it was read and acked")
                .hasSize(n);
        Polls.until("the stream trimmed", Duration.ofSeconds(30), () -> {
            if (r.xlen(key) <= 200) {
                return true;
            }
            r.xadd(key, Map.of("body", "more")); // a trim follows a read
            return false;
        });
        assertThat(r.xlen(key))
                .as("acked entries trimmed down to about max_length (whole nodes of 100)")
                .isLessThanOrEqualTo(300);
        PoolStatus st = pool.status();
        long trimmed = st.workers().stream()
                .mapToLong(w -> Long.parseLong(w.source().getOrDefault("trimmed", "0")))
                .sum();
        assertThat(trimmed).as("status counts the trimmed entries").isGreaterThan(0);
    }
}
