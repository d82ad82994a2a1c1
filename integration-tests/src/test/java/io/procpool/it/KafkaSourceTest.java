package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.RecordingConsumer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance of the pool-kafka issue against a real broker (KafkaFixture): kills and dead letters. */
@Timeout(240)
class KafkaSourceTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    private void produce(String topic, List<String> bodies) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "linger.ms", "5"), new StringSerializer(), new StringSerializer())) {
            for (String b : bodies) {
                p.send(new ProducerRecord<>(topic, b, b));
            }
        }
    }

    private PoolProcess pool(String topic, int workers, String... more) throws Exception {
        return pool(dir, topic, workers, more);
    }

    private PoolProcess pool(Path dir, String topic, int workers, String... more) throws Exception {
        String[] settings = new String[more.length + 6];
        settings[0] = "source.type: kafka";
        settings[1] = "source.bootstrap: '" + kafka.bootstrapServers() + "'";
        settings[2] = "source.topics: " + topic;
        settings[3] = "source.group: g-" + topic;
        settings[4] = "min_uptime: 0";
        // a killed member's partitions move after its session times out: 6 s (the broker's minimum), not 45 s
        settings[5] = "source.consumer.session.timeout.ms: 6000";
        System.arraycopy(more, 0, settings, 6, more.length);
        PoolProcess p = PoolProcess.start(dir, Pools.recording(dir, workers, settings));
        p.awaitReady(workers, Duration.ofSeconds(60));
        return p;
    }

    @Test
    void everyRecordIsProcessedWhenAWorkerIsKilledMidRun() throws Exception {
        String topic = "t" + System.nanoTime();
        kafka.createTopic(topic, 6);
        int n = 100_000;
        produce(topic, java.util.stream.IntStream.range(0, n).mapToObj(i -> "r" + i).toList());
        try (PoolProcess pool = pool(topic, 3)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (PoolProcess.processedLines(dir.resolve("records")).size() < n / 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long victim = PoolProcess.readyPids(pool.status()).get(0);
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            Set<String> distinct = new HashSet<>();
            List<String> lines = List.of();
            deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (distinct.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(200);
                lines = PoolProcess.processedLines(dir.resolve("records"));
                distinct.clear();
                for (String l : lines) {
                    distinct.add(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            System.out.printf("kafka: %d records on 6 partitions, 3 workers, one SIGKILLed: %d processed more than once%n", n,
                    lines.size() - distinct.size());
            assertThat(distinct).hasSize(n);
        }
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsHeadersAndThePartitionKeepsFlowing() throws Exception {
        String topic = "p" + System.nanoTime();
        kafka.createTopic(topic, 1);
        produce(topic, List.of("a", "poison-k", "b", "c"));
        try (PoolProcess pool = pool(topic, 1, "retry.max_attempts: 2", "retry.backoff: 10ms")) {
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                seen.clear();
                for (String l : PoolProcess.processedLines(dir.resolve("records"))) {
                    seen.add(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "dlt-reader", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic + ".dlt"));
            ConsumerRecord<String, String> dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    dead = r;
                }
            }
            assertThat(dead).isNotNull();
            assertThat(dead.value()).isEqualTo("poison-k");
            assertThat(header(dead, "procpool.original.topic")).isEqualTo(topic);
            assertThat(header(dead, "procpool.original.partition")).isEqualTo("0");
            assertThat(header(dead, "procpool.original.offset")).isEqualTo("1");
            assertThat(header(dead, "procpool.error")).contains("cannot process poison-k");
        }
    }

    private static Set<String> processed(Path... recordDirs) throws Exception {
        Set<String> seen = new HashSet<>();
        for (Path d : recordDirs) {
            if (d.toFile().exists()) {
                for (String l : PoolProcess.processedLines(d)) {
                    seen.add(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
        }
        return seen;
    }

    private static Set<String> awaitProcessed(int n, Duration timeout, Path... recordDirs) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> seen = processed(recordDirs);
        while (seen.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = processed(recordDirs);
        }
        return seen;
    }

    @Test
    void scalingThreeToSixToTwoWorkersWhileConsumingLosesNothing() throws Exception {
        String topic = "s" + System.nanoTime();
        kafka.createTopic(topic, 6);
        int n = 30_000;
        produce(topic, java.util.stream.IntStream.range(0, n).mapToObj(i -> "s" + i).toList());
        try (PoolProcess pool = pool(topic, 3, "app.sleep_us: 200")) {
            awaitProcessed(n / 5, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(pool.cli("scale", "6").exitCode()).isZero();
            pool.awaitReady(6, Duration.ofSeconds(60));
            awaitProcessed(n / 2, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(pool.cli("scale", "2").exitCode()).isZero();
            Set<String> seen = awaitProcessed(n, Duration.ofSeconds(120), dir.resolve("records"));
            assertThat(seen).hasSize(n);
        }
    }

    @Test
    void twoPoolsInOneGroupSplitThePartitionsAndAStoppedPoolHandsThemOver() throws Exception {
        String topic = "two" + System.nanoTime();
        kafka.createTopic(topic, 4);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (PoolProcess first = pool(a, topic, 1); PoolProcess second = pool(b, topic, 1)) {
            produce(topic, java.util.stream.IntStream.range(0, 2_000).mapToObj(i -> "x" + i).toList());
            awaitProcessed(2_000, Duration.ofSeconds(60), a.resolve("records"), b.resolve("records"));
            assertThat(processed(a.resolve("records"))).as("the first pool's share").isNotEmpty();
            assertThat(processed(b.resolve("records"))).as("the second pool's share").isNotEmpty();
            assertThat(first.cli("stop").exitCode()).isZero();
            first.awaitExit(Duration.ofSeconds(60));
            produce(topic, java.util.stream.IntStream.range(0, 2_000).mapToObj(i -> "y" + i).toList());
            Set<String> later = awaitProcessed(4_000, Duration.ofSeconds(60), a.resolve("records"), b.resolve("records"));
            assertThat(later).hasSize(4_000);
            assertThat(processed(b.resolve("records"))).as("after the stop, all new records go to the second pool")
                    .containsAll(java.util.stream.IntStream.range(0, 2_000).mapToObj(i -> "y" + i).toList());
        }
    }

    private static String header(ConsumerRecord<String, String> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
