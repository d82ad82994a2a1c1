package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the Kafka tests do to a broker beside running pools: write records, shorten share locks, read headers. */
final class KafkaTopics {

    private KafkaTopics() {}

    /**
     * Writes every body (key = body) and waits for the broker to confirm each: a send that failed (a
     * broker under load can expire or refuse a batch) is sent again, so a test never blames the pool for
     * a record that never reached the topic.
     */
    static void produce(String bootstrap, String topic, List<String> bodies) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", "5", "acks", "all"),
                new StringSerializer(),
                new StringSerializer())) {
            List<String> left = bodies;
            for (int round = 0; round < 5 && !left.isEmpty(); round++) {
                List<Future<?>> sent = new ArrayList<>();
                for (String b : left) {
                    sent.add(p.send(new ProducerRecord<>(topic, b, b)));
                }
                p.flush();
                List<String> failed = new ArrayList<>();
                for (int i = 0; i < sent.size(); i++) {
                    try {
                        sent.get(i).get(60, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        failed.add(left.get(i));
                    }
                }
                left = failed;
            }
            assertThat(left).as("records the broker never confirmed").isEmpty();
        }
    }

    /**
     * Records acquired by a share member come back when their lock times out: 2 s for this group
     * where the broker allows it (the testkit's local broker does), else the broker's default (30 s).
     */
    static void shortRecordLocks(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.GROUP, group),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("share.record.lock.duration.ms", "2000"),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("share group record locks stay at the broker's default: " + e);
        }
    }

    /** The settings of a pool consuming {@code topic} in group {@code g-<topic>}, as a list the caller may add to. */
    static List<String> poolSettings(String bootstrap, String topic) {
        return new ArrayList<>(List.of(
                "source.type: kafka",
                "source.bootstrap: '" + bootstrap + "'",
                "source.topics: " + topic,
                "source.group: g-" + topic,
                "min_uptime: 0"));
    }

    /** The value of header {@code key} as text, or null. */
    static String header(ConsumerRecord<?, ?> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A poll's wait: short, so that a caller polling until a deadline checks it often. */
    static final Duration POLL = Duration.ofMillis(200);
}
