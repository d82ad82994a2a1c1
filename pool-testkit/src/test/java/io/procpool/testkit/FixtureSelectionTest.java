package io.procpool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which server a fixture picks: an explicit one from the environment first; without Kafka's jars, none, saying why. */
class FixtureSelectionTest {

    @Test
    void anExplicitRedisUrlIsUsedInsteadOfStartingOne() throws Exception {
        try (RedisFixture.Backend b = RedisFixture.pick(Map.of("PROCPOOL_TEST_REDIS_URL", "redis://127.0.0.1:6390"))) {
            assertThat(b.url()).isEqualTo("redis://127.0.0.1:6390");
            assertThat(b.description()).contains("from PROCPOOL_TEST_REDIS_URL");
            assertThat(b.stop()).as("nothing started, nothing to stop").isNull();
        }
    }

    @Test
    void anExplicitKafkaBootstrapIsUsedInsteadOfStartingOne() throws Exception {
        try (KafkaFixture.Backend b = KafkaFixture.pick(Map.of("PROCPOOL_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:19092"))) {
            assertThat(b.bootstrap()).isEqualTo("127.0.0.1:19092");
            assertThat(b.description()).contains("from PROCPOOL_TEST_KAFKA_BOOTSTRAP");
            assertThat(b.stop()).isNull();
        }
    }

    @Test
    void withoutKafkasJarsTheKafkaTestsAreSkippedSayingWhatToAdd() throws Exception {
        try (KafkaFixture.Backend noClients = KafkaFixture.pick(Map.of(), Map.of(), name -> false)) {
            assertThat(noClients.unavailable()).contains("kafka-clients").contains("io.procpool:pool-testkit-kafka");
        }
        try (KafkaFixture.Backend noBroker =
                KafkaFixture.pick(Map.of(), Map.of(), name -> name.equals("org.apache.kafka.clients.admin.Admin"))) {
            assertThat(noBroker.unavailable())
                    .contains("PROCPOOL_TEST_KAFKA_BOOTSTRAP")
                    .contains("io.procpool:pool-testkit-kafka")
                    .contains("kafka_2.13");
        }
    }
}
