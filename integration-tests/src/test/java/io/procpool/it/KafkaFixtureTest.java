package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.examples.KafkaOrderConsumer;
import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolRunner;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acceptance 1 of the testkit issue, Kafka: a topic of 3 partitions, a pool of 2 group members. */
@Timeout(180)
class KafkaFixtureTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(KafkaOrderConsumer.class).workers(2).set("source.type", "none");

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void aPoolOfTwoWorkersConsumesEveryRecordOfAThreePartitionTopic() throws Exception {
        String topic = "orders-" + System.nanoTime();
        kafka.createTopic(topic, 3);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 1_000; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "order-" + i));
            }
            producer.flush();
        }
        pool.set("app.kafka_bootstrap", kafka.bootstrapServers())
                .set("app.kafka_topic", topic)
                .set("app.kafka_group", "pool-" + topic)
                .start();
        Pattern processed = Pattern.compile("processed (order-\\d+) \\(partition (\\d+)");
        Set<String> orders = new HashSet<>();
        Set<String> partitions = new HashSet<>();
        Polls.until("1,000 orders processed", Duration.ofMinutes(2), () -> {
            for (String line : pool.workerLines()) {
                Matcher m = processed.matcher(line);
                if (m.find()) {
                    orders.add(m.group(1));
                    partitions.add(m.group(2));
                }
            }
            return orders.size() >= 1_000;
        });
        assertThat(orders).hasSize(1_000);
        assertThat(partitions).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(pool.stop()).isZero();
        System.out.println("kafka fixture: " + kafka.description());
        assertThat(KafkaFixture.starts()).isEqualTo(1);
    }
}
