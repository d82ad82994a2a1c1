package io.procpool.it;

import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.SourceUnderTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The source contract's view of a Kafka consumer group or share group on a topic of its own (one
 * partition): records go in through a producer, and what was given up is read from the dead-letter topic
 * {@code <topic>.dlt} by one consumer that keeps what it read. The test's thread only.
 */
final class KafkaSources implements SourceUnderTest {

    private final String mode;
    private final String bootstrap;
    private final String topic = "contract" + System.nanoTime();
    private final KafkaConsumer<String, String> deadLetters;
    private final List<GivenUp> dead = new ArrayList<>();

    KafkaSources(String mode, io.procpool.testkit.KafkaFixture kafka) throws Exception {
        this.mode = mode;
        this.bootstrap = kafka.bootstrapServers();
        kafka.createTopic(topic, 1);
        if (mode.equals("share")) {
            KafkaTopics.shortRecordLocks(bootstrap, group()); // a killed member's records come back in 2 s
        }
        deadLetters = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap, "group.id", "dlt-" + topic, "auto.offset.reset", "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
        deadLetters.subscribe(List.of(topic + ".dlt"));
    }

    private String group() {
        return "g-" + topic;
    }

    @Override
    public List<String> settings() {
        List<String> s = new ArrayList<>(List.of(
                "source.type: kafka",
                "source.bootstrap: '" + bootstrap + "'",
                "source.topics: " + topic,
                "source.group: " + group(),
                "source.mode: " + mode));
        if (mode.equals("group")) {
            // a killed member's partitions move after its session times out: 6 s (the broker's minimum), not 45 s
            s.add("source.consumer.session.timeout.ms: 6000");
        }
        return s;
    }

    @Override
    public void publish(PoolProcess pool, List<String> bodies) throws Exception {
        KafkaTopics.produce(bootstrap, topic, bodies);
    }

    @Override
    public List<GivenUp> givenUp() {
        for (ConsumerRecord<String, String> r : deadLetters.poll(KafkaTopics.POLL)) {
            String error = KafkaTopics.header(r, "procpool.error");
            dead.add(new GivenUp(r.value(), error == null ? "" : error));
        }
        return List.copyOf(dead);
    }

    @Override
    public Redelivery redelivery() {
        return mode.equals("share") ? Redelivery.COUNTED : Redelivery.UNCOUNTED;
    }

    /** One: a record whose onMessage throws after its tries goes to the dead-letter topic at once. */
    @Override
    public int deliveries() {
        return 1;
    }

    /**
     * A group keeps no delivery count, so such a record comes back for ever; a share group counts, but
     * archives it at the broker after {@code group.share.delivery.count.limit}: no dead letter to read.
     */
    @Override
    public boolean givesUpAMessageThatKillsItsWorker() {
        return false;
    }

    @Override
    public void close() {
        deadLetters.close();
    }
}
