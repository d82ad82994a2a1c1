package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A Kafka worker's {@code lag} counter read per partition, for {@code procpool_kafka_lag}. */
class KafkaLagTest {

    private static PoolStatus.Worker reporting(Map<String, String> source) {
        return new PoolStatus.Worker(
                "default",
                0,
                1,
                42,
                WorkerState.READY,
                Duration.ZERO,
                Optional.empty(),
                0,
                0,
                0,
                Duration.ZERO,
                0,
                -1,
                0,
                source,
                Optional.empty());
    }

    @Test
    void eachPartitionWithANumberIsRead() {
        assertThat(KafkaLag.of(reporting(Map.of("lag", "orders-0=3 orders-1=0 orders-10=12"))))
                .containsExactly(Map.entry("orders-0", 3L), Map.entry("orders-1", 0L), Map.entry("orders-10", 12L));
    }

    @Test
    void noLagOrAGarbledPartIsLeftOut() {
        assertThat(KafkaLag.of(reporting(Map.of()))).isEmpty();
        assertThat(KafkaLag.of(reporting(Map.of("lag", "")))).isEmpty();
        assertThat(KafkaLag.of(reporting(Map.of("lag", "orders-0=x orders-1=4 junk"))))
                .containsExactly(Map.entry("orders-1", 4L));
    }
}
