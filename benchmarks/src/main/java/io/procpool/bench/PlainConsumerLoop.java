package io.procpool.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka benchmark's baseline, one per process: a plain KafkaConsumer loop (poll, then commitAsync
 * of what the poll returned; no processing) in group {@code args[2]} on topic {@code args[1]}, until
 * the process is ended. Main thread only.
 */
public final class PlainConsumerLoop {

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        args[0],
                        ConsumerConfig.GROUP_ID_CONFIG,
                        args[2],
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                        CooperativeStickyAssignor.class.getName()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        c.subscribe(List.of(args[1]));
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos(); // bounded, should its parent vanish
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
            if (!records.isEmpty()) {
                c.commitAsync();
            }
        }
        c.close();
    }
}
