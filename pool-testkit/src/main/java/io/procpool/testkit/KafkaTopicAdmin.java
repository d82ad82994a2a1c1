package io.procpool.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka calls of {@link KafkaFixture}, apart so that the fixture itself loads on a classpath without
 * Kafka's (optional) jars and can say what is missing. Stateless; any thread.
 */
final class KafkaTopicAdmin {

    private KafkaTopicAdmin() {}

    /** Creates a topic (replication 1) unless it exists, and waits until it does. */
    static void create(String bootstrap, String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** A broker in a Testcontainers container (Docker runs), stopped by the backend's close. */
    static KafkaFixture.Backend container() {
        org.testcontainers.kafka.KafkaContainer c = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.0.0");
        c.start();
        return new KafkaFixture.Backend(
                c.getBootstrapServers(), "Testcontainers apache/kafka:4.0.0", c::stop, null, null);
    }
}
