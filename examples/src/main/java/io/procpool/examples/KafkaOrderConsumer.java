package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Orders from a Kafka topic, in loop mode ({@code source.type: none}): each worker is one member
 * of the consumer group {@code app.kafka_group}, handles what it polls from {@code app.kafka_topic}
 * and commits after handling it (at-least-once), until the pool stops. (pool-kafka will bring a
 * Kafka source; this example owns its loop.) Configuration: see {@code examples/kafka-orders/pool.yaml}.
 */
public class KafkaOrderConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        throw new UnsupportedOperationException("KafkaOrderConsumer runs in loop mode: set source.type: none");
    }

    @Override
    public void run(WorkerContext ctx) {
        Properties p = new Properties();
        p.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ctx.config().getOrDefault("app.kafka_bootstrap", "127.0.0.1:9092"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, ctx.config().getOrDefault("app.kafka_group", "orders-pool"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(ctx.config().getOrDefault("app.kafka_topic", "orders")));
            while (!ctx.isStopping()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    ctx.logger().info("processed {} (partition {}, offset {})", r.value(), r.partition(), r.offset());
                }
                consumer.commitSync(); // after handling: a crash redelivers, never skips
            }
        }
    }
}
