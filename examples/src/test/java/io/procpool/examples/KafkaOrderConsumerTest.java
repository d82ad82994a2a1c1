package io.procpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procpool.testkit.KafkaFixture;
import io.procpool.testkit.PoolRunner;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How to test a Kafka consumer: KafkaFixture gives a real broker, PoolRunner a real pool. */
@Timeout(180)
class KafkaOrderConsumerTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(KafkaOrderConsumer.class).set("source.type", "none");

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void ordersAreProcessedAndTheWorkerStopsCleanly() throws Exception {
        kafka.createTopic("example-orders", 1);
        try (var producer = new KafkaProducer<String, String>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("example-orders", "o-1", "order-1"));
            producer.send(new ProducerRecord<>("example-orders", "o-2", "order-2"));
        }
        pool.set("app.kafka_bootstrap", kafka.bootstrapServers())
                .set("app.kafka_topic", "example-orders")
                .start();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        assertThat(pool.log()).contains("processed order-1").contains("processed order-2"));
        assertThat(pool.stop()).as("exit code of a graceful stop").isZero();
    }
}
