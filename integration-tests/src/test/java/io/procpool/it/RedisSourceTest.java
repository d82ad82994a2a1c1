package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.procpool.PoolStatus;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import io.procpool.testkit.RedisFixture;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance of the pool-redis issue against a real Redis (RedisFixture): lists and streams. */
@Timeout(180)
class RedisSourceTest {

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @TempDir
    Path dir;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> r;
    private final List<PoolProcess> pools = new ArrayList<>();
    private final String key = "k" + System.nanoTime();

    @BeforeEach
    void connect() {
        client = RedisClient.create(redis.url());
        connection = client.connect();
        r = connection.sync();
    }

    @AfterEach
    void close() {
        pools.forEach(PoolProcess::close);
        connection.close();
        client.shutdown();
    }

    private PoolProcess pool(String name, int workers, String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "source.type: redis", "source.uri: '" + redis.url() + "'", "source.key: " + key, "min_uptime: 0"));
        all.addAll(List.of(settings));
        Path d = dir.resolve(name);
        PoolProcess p = PoolProcess.start(
                d, Pools.yaml(RecordingConsumer.class.getName(), workers, d, all.toArray(String[]::new)));
        pools.add(p);
        p.awaitReady(workers, Duration.ofSeconds(60));
        return p;
    }

    @Test
    void listAWorkerKilledMidMessageHasItsMessageProcessedAfterItsSlotRestarts() throws Exception {
        PoolProcess pool = pool("list", 1, "app.sleep_ms: 400");
        for (int i = 0; i < 5; i++) {
            r.lpush(key, "m" + i);
        }
        PoolStatus s = pool.awaitInFlight(1, Duration.ofSeconds(30));
        ProcessHandle.of(s.readyPids().get(0)).ifPresent(ProcessHandle::destroyForcibly);
        Set<String> seen = RecordedOutput.awaitProcessedBodies(5, Duration.ofSeconds(60), dir.resolve("list/records"));
        assertThat(seen).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
        assertThat(pool.log())
                .containsPattern("taking back [1-5] message\\(s\\) that this slot's previous worker held");
        assertThat(r.llen(key)).isZero();
    }

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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (workers.stream().anyMatch(PoolProcess::isRunning) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
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
    void listAMessageThatKillsItsWorkerEveryTimeEndsInTheDeadLettersAloneTheOthersAreProcessed() throws Exception {
        pool("crash", 1, "source.max_deliveries: 2", "restart_backoff: 100ms", "source.prefetch: 8", "source.batch: 8");
        r.lpush(key, "a", "b", "crash-1", "c", "d"); // fetched together, held together when the worker dies
        Set<String> seen = RecordedOutput.awaitProcessedBodies(4, Duration.ofSeconds(60), dir.resolve("crash/records"));
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (r.llen(key + ":dead") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(r.lrange(key + ":dead", 0, -1)).containsExactly("crash-1");
        assertThat(r.lrange(key + ":dead:errors", 0, -1))
                .singleElement()
                .asString()
                .contains("its worker died while handling it");
    }

    @Test
    void listAPoisonMessageEndsInTheDeadLettersWithItsErrorAndTheRestFlow() throws Exception {
        pool("poison", 2, "retry.max_tries: 1", "source.max_deliveries: 3");
        r.lpush(key, "a", "poison-1", "b", "c");
        Set<String> seen =
                RecordedOutput.awaitProcessedBodies(3, Duration.ofSeconds(30), dir.resolve("poison/records"));
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.llen(key + ":dead") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(r.lrange(key + ":dead", 0, -1)).containsExactly("poison-1");
        assertThat(r.lrange(key + ":dead:errors", 0, -1))
                .singleElement()
                .asString()
                .contains("IllegalStateException")
                .contains("cannot process poison-1");
        List<String> tries = RecordedOutput.lines(dir.resolve("poison/records"), "tries-");
        assertThat(tries)
                .extracting(t -> t.split(" ")[1])
                .as("attempt of each delivery")
                .containsExactlyInAnyOrder("1", "2", "3");
        assertThat(tries)
                .extracting(t -> t.split(" ")[0])
                .as("message.id() on each delivery")
                .hasSize(3)
                .containsOnly(tries.get(0).split(" ")[0]);
        r.lpush(key, "flaky-1");
        assertThat(RecordedOutput.awaitProcessedBodies(4, Duration.ofSeconds(30), dir.resolve("poison/records")))
                .contains("flaky-1");
        assertThat(RecordedOutput.processedLines(dir.resolve("poison/records")))
                .filteredOn(l -> l.endsWith(" flaky-1"))
                .singleElement()
                .satisfies(l -> assertThat(l.split(" ")[3])
                        .as("attempt of the delivery after one failure")
                        .isEqualTo("2"));
        assertThat(r.llen(key)).isZero();
        assertThat(r.exists(key + ":attempts"))
                .as("no failure count is kept beside the list")
                .isZero();
    }

    @Test
    void listMessagesWithEqualBodiesKeepTheirOwnFailureCounts() throws Exception {
        pool("equal", 1, "retry.max_tries: 1", "source.max_deliveries: 3");
        // The first of the two fails once ("flaky"), the second succeeds at once: the success of one
        // must not erase the failure of the other, which is delivered again as its attempt 2.
        r.lpush(key, "flaky-dup", "flaky-dup");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (RecordedOutput.processedLines(dir.resolve("equal/records")).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(RecordedOutput.processedLines(dir.resolve("equal/records")))
                .extracting(l -> l.split(" ")[3])
                .as("attempts of the two equal bodies")
                .containsExactlyInAnyOrder("1", "2");

        r.lpush(key, "poison-dup", "poison-dup");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.llen(key + ":dead") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.xpending(key, "procpool").getCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
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
    void streamAnEntryThatKillsItsWorkerEveryTimeEndsInTheDeadLetters() throws Exception {
        pool("crash", 1, "source.mode: stream", "source.max_deliveries: 2", "restart_backoff: 100ms");
        // Read together, held together when the worker dies: each innocent one is taken back and acked
        // before the next, so none counts the culprit's deaths.
        for (String body : List.of("s1", "s2", "s3", "crash-1", "s4", "s5")) {
            r.xadd(key, Map.of("body", body));
        }
        Set<String> seen = RecordedOutput.awaitProcessedBodies(5, Duration.ofSeconds(60), dir.resolve("crash/records"));
        assertThat(seen).containsExactlyInAnyOrder("s1", "s2", "s3", "s4", "s5");
        assertSoleDeadEntry("crash-1", "without an ack");
        assertThat(r.xpending(key, "procpool").getCount())
                .as("nothing left pending")
                .isZero();
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.xlen(key) > 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r.xadd(key, Map.of("body", "more")); // a trim follows a read
        }
        assertThat(r.xlen(key))
                .as("acked entries trimmed down to about max_length (whole nodes of 100)")
                .isLessThanOrEqualTo(300);
        PoolStatus st = pool.status();
        long trimmed = st.workers().stream()
                .mapToLong(w -> Long.parseLong(w.source().getOrDefault("trimmed", "0")))
                .sum();
        assertThat(trimmed).as("status counts the trimmed entries").isGreaterThan(0);
    }

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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (r.xlen(key + ":dead") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<StreamMessage<String, String>> dead = r.xrange(key + ":dead", io.lettuce.core.Range.create("-", "+"));
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.getBody()).containsEntry("body", body);
            assertThat(m.getBody().get("error")).contains(error);
        });
    }
}
