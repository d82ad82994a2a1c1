package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.RecordedOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka dead-letter topic against a real broker (KafkaFixture): its headers, and a write it refuses. */
@Timeout(180)
class KafkaDeadLetterTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    private PoolProcess pool(String topic, int workers, String... more) throws Exception {
        List<String> settings = KafkaTopics.poolSettings(kafka.bootstrapServers(), topic);
        settings.addAll(List.of(more));
        PoolProcess p = PoolProcess.start(dir, Pools.recording(dir, workers, settings.toArray(String[]::new)));
        p.awaitReady(workers, Duration.ofSeconds(60));
        return p;
    }

    private void produce(String topic, List<String> bodies) throws Exception {
        KafkaTopics.produce(kafka.bootstrapServers(), topic, bodies);
    }

    private static String header(ConsumerRecord<String, String> r, String key) {
        return KafkaTopics.header(r, key);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsHeadersAndThePartitionKeepsFlowing() throws Exception {
        String topic = "p" + System.nanoTime();
        kafka.createTopic(topic, 1);
        produce(topic, List.of("a", "poison-k", "b", "c"));
        try (PoolProcess pool = pool(topic, 1, "retry.max_tries: 2", "retry.backoff: 10ms")) {
            Set<String> seen = RecordedOutput.awaitProcessedBodies(3, Duration.ofSeconds(60), dir.resolve("records"));
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "group.id",
                        "dlt-reader",
                        "auto.offset.reset",
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(topic + ".dlt"));
            List<ConsumerRecord<String, String>> read = new java.util.ArrayList<>();
            Polls.until("a dead letter", Duration.ofSeconds(30), () -> {
                c.poll(KafkaTopics.POLL).forEach(read::add);
                return !read.isEmpty();
            });
            ConsumerRecord<String, String> dead = read.isEmpty() ? null : read.getLast();
            assertThat(dead).isNotNull();
            assertThat(dead.value()).isEqualTo("poison-k");
            assertThat(header(dead, "procpool.original.topic")).isEqualTo(topic);
            assertThat(header(dead, "procpool.original.partition")).isEqualTo("0");
            assertThat(header(dead, "procpool.original.offset")).isEqualTo("1");
            assertThat(header(dead, "procpool.error")).contains("cannot process poison-k");
            assertThat(header(dead, "procpool.tries"))
                    .as("tries in the worker (retry.max_tries)")
                    .isEqualTo("2");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeadLetterThatCannotBeWrittenIsTriedAgainAndNoCommitPassesIt() throws Exception {
        String topic = "dlt" + System.nanoTime();
        String group = "g-" + topic;
        kafka.createTopic(topic, 1);
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // A dead-letter topic that takes no record: every write is refused (RecordTooLargeException).
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic + ".dlt", 1, (short) 1)
                            .configs(Map.of("max.message.bytes", "1"))))
                    .all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            produce(topic, List.of("poison-1", "a", "b", "c"));
            try (PoolProcess pool = pool(topic, 1, "retry.max_tries: 1")) {
                pool.awaitStatus(
                        "the other records processed, the dead letter waiting",
                        s -> {
                            Map<String, String> src = s.workers().get(0).source();
                            return "1".equals(src.get("dead_letters_waiting"))
                                    && String.valueOf(src.get("dead_letter_error"))
                                            .contains("RecordTooLarge")
                                    && uncheckedProcessed().containsAll(List.of("a", "b", "c"));
                        },
                        Duration.ofSeconds(60));
                assertThat(committed(admin, group, topic))
                        .as("nothing committed past the unwritten dead letter")
                        .isLessThanOrEqualTo(0);

                admin.incrementalAlterConfigs(Map.of(
                                new org.apache.kafka.common.config.ConfigResource(
                                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic + ".dlt"),
                                List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                                        new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "1048576"),
                                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                        .all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                pool.awaitStatus(
                        "the dead letter written on a retry",
                        s -> {
                            Map<String, String> src = s.workers().get(0).source();
                            return "0".equals(src.get("dead_letters_waiting")) && "1".equals(src.get("dead_lettered"));
                        },
                        Duration.ofSeconds(60));
                Polls.until(
                        "the offset committed past it",
                        Duration.ofSeconds(30),
                        () -> committed(admin, group, topic) >= 4);
                assertThat(committed(admin, group, topic))
                        .as("the partition commits past it once it is written")
                        .isEqualTo(4);
                assertThat(pool.log()).contains("written on a retry");
            }
        }
    }

    private Set<String> uncheckedProcessed() {
        try {
            return RecordedOutput.processedBodies(dir.resolve("records"));
        } catch (Exception e) {
            return Set.of();
        }
    }

    /** The group's committed offset of partition 0 of {@code topic}, or -1. */
    private static long committed(org.apache.kafka.clients.admin.Admin admin, String group, String topic)
            throws Exception {
        var offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        var o = offsets.get(new org.apache.kafka.common.TopicPartition(topic, 0));
        return o == null ? -1 : o.offset();
    }
}
