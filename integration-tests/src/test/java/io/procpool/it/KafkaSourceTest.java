package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka source against a real broker (KafkaFixture): kills under load, a broker restart, scaling, patterns, two pools, share groups. */
@Timeout(360)
class KafkaSourceTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    /** A new topic of {@code partitions} holding records {@code <prefix>0} … {@code <prefix>(n-1)}. */
    private String loadedTopic(String name, int partitions, String prefix, int n) throws Exception {
        String topic = name + System.nanoTime();
        kafka.createTopic(topic, partitions);
        KafkaTopics.produce(
                kafka.bootstrapServers(),
                topic,
                java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + i).toList());
        return topic;
    }

    private PoolProcess pool(String topic, int workers, String... more) throws Exception {
        return pool(dir, topic, workers, more);
    }

    private PoolProcess pool(Path dir, String topic, int workers, String... more) throws Exception {
        boolean share = List.of(more).contains("source.mode: share");
        List<String> settings = KafkaTopics.poolSettings(kafka.bootstrapServers(), topic);
        if (!share) {
            // a killed member's partitions move after its session times out: 6 s (the broker's minimum), not 45 s
            settings.add("source.consumer.session.timeout.ms: 6000");
        }
        settings.addAll(List.of(more));
        return start(dir, workers, settings.toArray(String[]::new));
    }

    private static PoolProcess start(Path dir, int workers, String... settings) throws Exception {
        PoolProcess p = PoolProcess.start(dir, Pools.recording(dir, workers, settings));
        p.awaitReady(workers, Duration.ofSeconds(60));
        return p;
    }

    @Test
    void everyRecordIsProcessedWhenAWorkerIsKilledMidRun() throws Exception {
        int n = 100_000;
        String topic = loadedTopic("t", 6, "r", n);
        try (PoolProcess pool = pool(topic, 3)) {
            awaitAssigned(pool, 3);
            RecordedOutput.awaitProcessedBodies(n / 4, Duration.ofSeconds(60), dir.resolve("records"));
            long victim = pool.status().readyPids().get(0);
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            Set<String> distinct =
                    RecordedOutput.awaitProcessedBodies(n, Duration.ofSeconds(150), dir.resolve("records"));
            List<String> lines = RecordedOutput.processedLines(dir.resolve("records"));
            System.out.printf(
                    "kafka: %d records on 6 partitions, 3 workers, one SIGKILLed: %d processed more than once%n",
                    n, lines.size() - distinct.size());
            assertThat(distinct).as(() -> "records processed" + diagnosis(pool)).hasSize(n);
            assertSameIdOnEveryDelivery(lines);
        }
    }

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void aBrokerStoppedAndRestartedMidRunLosesNoRecord() throws Exception {
        int n = 20_000;
        try (io.procpool.testkit.LocalKafka own = io.procpool.testkit.LocalKafka.start(Map.of())) {
            String topic = "restart" + System.nanoTime();
            try (org.apache.kafka.clients.admin.Admin admin =
                    org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", own.bootstrapServers()))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1)))
                        .all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(
                    Map.of("bootstrap.servers", own.bootstrapServers(), "acks", "all", "linger.ms", "5"),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < n; i++) {
                    p.send(new ProducerRecord<>(topic, "b" + i, "b" + i));
                }
                p.flush();
            }
            PoolProcess pool = start(
                    dir,
                    2,
                    "source.type: kafka",
                    "source.bootstrap: '" + own.bootstrapServers() + "'",
                    "source.topics: " + topic,
                    "source.group: g-" + topic,
                    "app.sleep_us: 300",
                    "min_uptime: 0");
            try (pool) {
                RecordedOutput.awaitProcessedBodies(n / 4, Duration.ofSeconds(60), dir.resolve("records"));
                own.stop(); // consumers lose their broker mid-run: polls and commits fail until it is back
                own.restart();
                Set<String> seen =
                        RecordedOutput.awaitProcessedBodies(n, Duration.ofSeconds(150), dir.resolve("records"));
                assertThat(seen)
                        .as(() -> "records processed after the broker's restart" + diagnosis(pool))
                        .hasSize(n);
                System.out.printf(
                        "kafka: %d records, broker stopped and restarted mid-run: %d processed more than once%n",
                        n, RecordedOutput.processedLines(dir.resolve("records")).size() - n);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSlowConsumerWithAFullWindowKeepsPollingAndStaysInTheGroup() throws Exception {
        int n = 30;
        String topic = loadedTopic("slow", 1, "z", n);
        // 30 records of 300 ms each take 9 s, three times max.poll.interval.ms: a member that stopped
        // polling while its window is full would be put out of the group and its records handed out again.
        try (PoolProcess pool = pool(
                topic, 1, "app.sleep_ms: 300", "source.prefetch: 10", "source.consumer.max.poll.interval.ms: 3000")) {
            Set<String> seen = RecordedOutput.awaitProcessedBodies(n, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(seen).hasSize(n);
            assertThat(RecordedOutput.processedLines(dir.resolve("records")))
                    .as("no record handed out twice")
                    .hasSize(n);
            assertThat(pool.status().workers().get(0).source()).containsEntry("consumer_restarts", "0");
        }
    }

    @Test
    void aTopicPatternSubscribesToEveryMatchingTopic() throws Exception {
        String prefix = "rx" + System.nanoTime();
        kafka.createTopic(prefix + "-a", 1);
        kafka.createTopic(prefix + "-b", 1);
        kafka.createTopic("other" + prefix, 1);
        KafkaTopics.produce(kafka.bootstrapServers(), prefix + "-a", List.of("a1", "a2"));
        KafkaTopics.produce(kafka.bootstrapServers(), prefix + "-b", List.of("b1"));
        KafkaTopics.produce(kafka.bootstrapServers(), "other" + prefix, List.of("not-matched"));
        try (PoolProcess pool = pool(prefix, 1, "source.topics: '" + prefix + "-.*'")) {
            Set<String> seen = RecordedOutput.awaitProcessedBodies(3, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(seen)
                    .as(() -> "records processed" + diagnosis(pool))
                    .containsExactlyInAnyOrder("a1", "a2", "b1");
            assertThat(pool.log()).contains("topics pattern " + prefix + "-.*");
        }
    }

    /** A record processed twice (redelivered after a kill) had the same {@code message.id()} both times. */
    private static void assertSameIdOnEveryDelivery(List<String> processedLines) {
        Map<String, Set<String>> idsByBody = new java.util.HashMap<>();
        for (String l : processedLines) {
            String[] f = l.split(" ");
            idsByBody.computeIfAbsent(f[f.length - 1], b -> new HashSet<>()).add(f[2]);
        }
        assertThat(idsByBody.values())
                .as("message.id() of each record on every delivery")
                .allSatisfy(ids -> assertThat(ids).hasSize(1));
    }

    @Test
    void scalingThreeToSixToTwoWorkersWhileConsumingLosesNothing() throws Exception {
        int n = 30_000;
        String topic = loadedTopic("s", 6, "s", n);
        try (PoolProcess pool = pool(topic, 3, "app.sleep_us: 200")) {
            RecordedOutput.awaitProcessedBodies(n / 5, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(pool.cli("scale", "6").exitCode()).isZero();
            pool.awaitReady(6, Duration.ofSeconds(60));
            RecordedOutput.awaitProcessedBodies(n / 2, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(pool.cli("scale", "2").exitCode()).isZero();
            Set<String> seen = RecordedOutput.awaitProcessedBodies(n, Duration.ofMinutes(2), dir.resolve("records"));
            assertThat(seen).as(() -> "records processed" + diagnosis(pool)).hasSize(n);
        }
    }

    @Test
    void twoPoolsInOneGroupSplitThePartitionsAndAStoppedPoolHandsThemOver() throws Exception {
        String topic = "two" + System.nanoTime();
        kafka.createTopic(topic, 4);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (PoolProcess first = pool(a, topic, 1);
                PoolProcess second = pool(b, topic, 1)) {
            // a pool is ready before its member has joined: produce once both hold partitions
            awaitAssigned(first, 1);
            awaitAssigned(second, 1);
            KafkaTopics.produce(
                    kafka.bootstrapServers(),
                    topic,
                    java.util.stream.IntStream.range(0, 2_000)
                            .mapToObj(i -> "x" + i)
                            .toList());
            RecordedOutput.awaitProcessedBodies(
                    2_000, Duration.ofSeconds(60), a.resolve("records"), b.resolve("records"));
            assertThat(RecordedOutput.processedBodies(a.resolve("records")))
                    .as(() -> "the first pool's share" + diagnosis(first, second))
                    .isNotEmpty();
            assertThat(RecordedOutput.processedBodies(b.resolve("records")))
                    .as(() -> "the second pool's share" + diagnosis(first, second))
                    .isNotEmpty();
            assertThat(first.cli("stop").exitCode()).isZero();
            first.awaitExit(Duration.ofSeconds(60));
            KafkaTopics.produce(
                    kafka.bootstrapServers(),
                    topic,
                    java.util.stream.IntStream.range(0, 2_000)
                            .mapToObj(i -> "y" + i)
                            .toList());
            Set<String> later = RecordedOutput.awaitProcessedBodies(
                    4_000, Duration.ofSeconds(60), a.resolve("records"), b.resolve("records"));
            assertThat(later).as(() -> "records processed" + diagnosis(second)).hasSize(4_000);
            assertThat(RecordedOutput.processedBodies(b.resolve("records")))
                    .as("after the stop, all new records go to the second pool")
                    .containsAll(java.util.stream.IntStream.range(0, 2_000)
                            .mapToObj(i -> "y" + i)
                            .toList());
            // status: the survivor holds all 4 partitions, each with no lag once everything is handled
            PoolStatus st = second.awaitStatus(
                    "4 partitions with no lag",
                    x -> x.workers().stream()
                            .map(PoolStatus.Worker::source)
                            .anyMatch(src -> src.getOrDefault("assigned", "").split(",").length == 4
                                    && "0".equals(src.get("lag_total"))),
                    Duration.ofSeconds(30));
            assertThat(String.valueOf(st.workers().get(0).source().get("lag"))).matches("(" + topic + "-\\d=0 ?){4}");
            assertThat(st.workers().get(0).source().get("prefetch"))
                    .as("the Kafka source's own default window, not the built-in queue's")
                    .hasToString("500");
        }
    }

    @Test
    void aShareGroupOfMoreWorkersThanPartitionsConsumesEverything() throws Exception {
        int n = 5_000;
        String topic = loadedTopic("share", 1, "q", n);
        try (PoolProcess pool = pool(topic, 3, "source.mode: share", "app.sleep_us: 300", "source.prefetch: 50")) {
            Set<String> seen = RecordedOutput.awaitProcessedBodies(n, Duration.ofMinutes(2), dir.resolve("records"));
            assertThat(seen).as(() -> "records processed" + diagnosis(pool)).hasSize(n);
            Map<String, Long> byWorker = new java.util.TreeMap<>();
            for (String l : RecordedOutput.processedLines(dir.resolve("records"))) {
                byWorker.merge(l.substring(0, l.indexOf(' ')), 1L, Long::sum);
            }
            System.out.printf("kafka share group: %d records of 1 partition over 3 workers: %s%n", n, byWorker);
            assertThat(byWorker)
                    .as("one partition, yet more than one worker took records")
                    .hasSizeGreaterThan(1);
        }
    }

    /** Waits until each of the pool's {@code workers} workers is a group member with partitions. */
    private static void awaitAssigned(PoolProcess pool, int workers) throws Exception {
        pool.awaitStatus(
                workers + " workers with assigned partitions",
                st -> st.workers().stream()
                                .filter(w ->
                                        !w.source().getOrDefault("assigned", "").isEmpty())
                                .count()
                        == workers,
                Duration.ofSeconds(60));
    }

    /** What to read when a wait ran out: each worker's source (assigned, lag, restarts) and the pool's log. */
    private static String diagnosis(PoolProcess... pools) {
        StringBuilder b = new StringBuilder();
        for (PoolProcess p : pools) {
            try {
                b.append("\n--- status ---\n").append(p.status().workers());
            } catch (Exception e) {
                b.append("\n--- status: ").append(e);
            }
            String log = p.log();
            b.append("\n--- manager.log (tail) ---\n").append(log.substring(Math.max(0, log.length() - 20_000)));
        }
        return b.toString();
    }
}
