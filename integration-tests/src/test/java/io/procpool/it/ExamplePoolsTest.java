package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RedisFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example pool under {@code examples/} starts from its own {@code pool.yaml}, as its comment says
 * to run it, and does the work it is for; only the broker addresses (and a free port) are set to the
 * test's with {@code --set}, as a user would point it at theirs.
 */
@Timeout(180)
class ExamplePoolsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static RedisFixture redis = new RedisFixture();

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    private PoolProcess start(String example, int workers, String... sets) throws Exception {
        String yaml = Files.readString(
                DocumentedConfigsTest.ROOT.resolve("examples").resolve(example).resolve("pool.yaml"));
        String[] args = java.util.Arrays.stream(sets).map(s -> "--set=" + s).toArray(String[]::new);
        PoolProcess pool = PoolProcess.start(dir, yaml, Map.of(), args);
        pool.awaitReady(workers, WAIT);
        return pool;
    }

    private static void awaitLog(PoolProcess pool, String... lines) throws Exception {
        pool.awaitStatus(
                "the log to show " + List.of(lines),
                s -> List.of(lines).stream().allMatch(pool.log()::contains),
                WAIT);
    }

    @Test
    void demo() throws Exception {
        try (PoolProcess pool = start("demo", 4)) {
            PoolProcess.CliResult push = pool.cli("push", "world", "again");
            assertThat(push.output()).contains("pushed 2 message(s) to queue default");
            awaitLog(pool, "hello, world (message 1, attempt 1)", "hello, again (message 2, attempt 1)");
        }
    }

    @Test
    void reporterIsAUserProcessThatARestartBringsBack() throws Exception {
        try (PoolProcess pool = start("reporter", 1, "app.interval_ms=100")) {
            long first = pool.status().readyPids().get(0);
            awaitLog(pool, "report 2 from pid " + first + ":");
            ProcessHandle.of(first).orElseThrow().destroyForcibly(); // kill -9 <pid>
            var after = pool.awaitStatus(
                    "a new reporter process",
                    s -> s.readyCount() == 1 && !s.readyPids().contains(first),
                    WAIT);
            long second = after.readyPids().get(0);
            awaitLog(pool, "report 1 from pid " + second + ":");
            assertThat(after.slot(0).orElseThrow().restarts()).isEqualTo(1);
        }
    }

    @Test
    void shopRunsAnOrdersGroupItsTaskWorkersAndAReporterInOneManager() throws Exception {
        String yaml = Files.readString(DocumentedConfigsTest.ROOT.resolve("examples/shop/pool.yaml"))
                .replace("app.interval_ms: 5000", "app.interval_ms: 100");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            var ready = pool.awaitReady(5, WAIT);
            assertThat(ready.groups()).extracting(g -> g.name()).containsExactly("orders", "tasks", "reporter");
            PoolProcess.CliResult push = pool.cli("push", "--queue", "orders", "book");
            assertThat(push.output()).contains("pushed 1 message(s) to queue orders");
            awaitLog(pool, "order book handled in slot");
            assertThat(pool.log())
                    .containsPattern("\\[orders-\\d\\] .*order book handled in slot \\d \\(pid \\d+\\): invoice "
                            + "[0-9a-f]+ for book by task worker \\d")
                    .containsPattern("\\[reporter-0\\] .*report 2 from pid");
        }
    }

    @Test
    void threadsRunsItsWorkersAsThreadsOfTheManager() throws Exception {
        try (PoolProcess pool = start("threads", 4)) {
            assertThat(pool.status().readyPids()).containsOnly(pool.pid());
            pool.cli("push", "world");
            awaitLog(pool, "hello, world (message 1, attempt 1)");
        }
    }

    @Test
    void tcpEcho() throws Exception {
        int port = FrameClient.freePort();
        try (PoolProcess pool = start("tcp-echo", 2, "source.listen=127.0.0.1:" + port);
                FrameClient client = new FrameClient(port, 10_000)) {
            client.send("ping");
            assertThat(client.read()).isEqualTo("ping");
        }
    }

    @Test
    void redisStream() throws Exception {
        String stream = "events-" + System.nanoTime();
        try (PoolProcess pool = start("redis-stream", 2, "source.uri=" + redis.url(), "source.key=" + stream)) {
            RedisClient client = RedisClient.create(redis.url());
            try (var c = client.connect()) {
                c.sync().xadd(stream, Map.of("body", "world"));
            } finally {
                client.shutdown();
            }
            awaitLog(pool, "hello, world (message ");
        }
    }

    @Test
    void redisJobs() throws Exception {
        String jobs = "jobs-" + System.nanoTime();
        try (PoolProcess pool = start("redis-jobs", 2, "app.redis_url=" + redis.url(), "app.redis_key=" + jobs)) {
            RedisClient client = RedisClient.create(redis.url());
            try (var c = client.connect()) {
                c.sync().lpush(jobs, "job-1", "job-2");
                awaitLog(pool, "processed job-1", "processed job-2");
                assertThat(c.sync().smembers(jobs + ":done")).containsExactlyInAnyOrder("job-1", "job-2");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void kafkaSourceReadsTheTopicsListOfItsFile() throws Exception {
        kafka.createTopic("orders", 2);
        String order = "order-" + System.nanoTime();
        try (PoolProcess pool = start(
                "kafka-source",
                2,
                "source.bootstrap=" + kafka.bootstrapServers(),
                "source.group=examples-" + System.nanoTime())) {
            produce("orders", order);
            awaitLog(pool, "order " + order + " (key " + order + ")");
        }
    }

    @Test
    void kafkaOrders() throws Exception {
        kafka.createTopic("orders", 2);
        String order = "loop-order-" + System.nanoTime();
        try (PoolProcess pool = start(
                "kafka-orders",
                2,
                "app.kafka_bootstrap=" + kafka.bootstrapServers(),
                "app.kafka_group=examples-" + System.nanoTime())) {
            produce("orders", order);
            awaitLog(pool, "processed " + order + " (partition ");
        }
    }

    private static void produce(String topic, String value) throws Exception {
        try (var p = new KafkaProducer<String, String>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, value, value)).get();
        }
    }
}
