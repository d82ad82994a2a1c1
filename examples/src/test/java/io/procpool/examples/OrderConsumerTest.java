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

/** The Kafka source example: a plain Consumer class, the pool does the polling, commits and dead letters. */
@Timeout(180)
class OrderConsumerTest {

    @RegisterExtension
    static KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    PoolRunner pool = PoolRunner.of(OrderConsumer.class)
            .set("source.type", "kafka")
            .set("source.topics", "example-kafka-source")
            .set("source.group", "example-orders")
            .set("retry.max_tries", "2")
            .set("retry.backoff", "10ms");

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // test load: the test checks what arrived, not each send
    void ordersAreHandledAndARefusedOneGoesToTheDeadLetterTopic() throws Exception {
        kafka.createTopic("example-kafka-source", 2);
        try (var producer = new KafkaProducer<String, String>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("example-kafka-source", "o-1", "order-1"));
            producer.send(new ProducerRecord<>("example-kafka-source", "o-2", "refuse"));
            producer.send(new ProducerRecord<>("example-kafka-source", "o-3", "order-3"));
        }
        pool.set("source.bootstrap", kafka.bootstrapServers()).start();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(pool.log())
                        .contains("order order-1 (key o-1)")
                        .contains("order order-3 (key o-3)")
                        .contains("went to dead-letter topic example-kafka-source.dlt after 2 tries"));
        assertThat(pool.stop()).as("exit code of a graceful stop").isZero();
    }
}
