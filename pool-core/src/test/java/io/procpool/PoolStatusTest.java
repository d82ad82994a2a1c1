package io.procpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.PoolStatus.Backoff;
import io.procpool.PoolStatus.Pool;
import io.procpool.PoolStatus.PoolState;
import io.procpool.PoolStatus.QueueStats;
import io.procpool.PoolStatus.Worker;
import io.procpool.PoolStatus.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status's JSON holds everything the record does, under the keys the reference documents. */
class PoolStatusTest {

    private static final Worker READY = new Worker(
            "default",
            0,
            7,
            4242,
            WorkerState.READY,
            Duration.ofSeconds(90),
            Optional.of(Duration.ofMillis(310)),
            120,
            2,
            1,
            Duration.ofMillis(1500),
            1,
            70L << 20,
            1000,
            Map.of("lag", "orders-0=3"),
            Optional.empty());
    private static final Worker STARTING = new Worker(
            "default",
            1,
            8,
            4243,
            WorkerState.STARTING,
            Duration.ofMillis(40),
            Optional.empty(),
            0,
            0,
            0,
            Duration.ZERO,
            0,
            -1,
            0,
            Map.of(),
            Optional.empty());
    private static final Worker BACKOFF = new Worker(
            "default",
            2,
            0,
            0,
            WorkerState.BACKOFF,
            Duration.ZERO,
            Optional.empty(),
            0,
            0,
            0,
            Duration.ZERO,
            4,
            -1,
            0,
            Map.of(),
            Optional.of(new Backoff(3, Duration.ofSeconds(8), "exit code 3")));

    private static PoolStatus status(String source, Optional<QueueStats> queue, Map<String, Object> sourceStats) {
        Pool pool = new Pool(
                100,
                PoolState.RELOADING,
                "com.acme.Orders",
                source,
                Duration.ofMinutes(3),
                3,
                1,
                500,
                4,
                5,
                6,
                1,
                queue,
                Optional.of(true),
                sourceStats);
        return new PoolStatus(pool, List.of(), List.of(READY, STARTING, BACKOFF));
    }

    @Test
    void theJsonReadsBackToTheSameStatus() {
        QueueStats queue = new QueueStats("orders", "power", 9, 2, 3, 1, 100, 90, 12, 11, 5000, 4, 1);
        for (PoolStatus sent : List.of(
                status("queue", Optional.of(queue), Map.of()),
                status("tcp", Optional.empty(), Map.of("connections", 4, "closed_for", Map.of("zero_length", 1))))) {
            assertThat(PoolStatus.fromJson(sent.toJson())).isEqualTo(sent);
        }
    }

    @Test
    void theJsonUsesTheDocumentedKeysWithDurationsInMilliseconds() throws Exception {
        JsonNode json = new ObjectMapper()
                .readTree(status("tcp", Optional.empty(), Map.of("connections", 4))
                        .toJson());
        JsonNode pool = json.path("pool");
        assertThat(pool.path("workers_target").asInt()).isEqualTo(3);
        assertThat(pool.path("uptime_ms").asLong()).isEqualTo(180_000);
        assertThat(pool.path("tcp").path("connections").asInt())
                .as("a manager-run source under its type")
                .isEqualTo(4);
        assertThat(pool.has("queue")).isFalse();
        JsonNode first = json.path("workers").get(0);
        assertThat(first.path("ready_ms").asLong()).isEqualTo(310);
        assertThat(first.path("busy_ms").asLong()).isEqualTo(1500);
        assertThat(first.path("source").path("lag").asText()).isEqualTo("orders-0=3");
        JsonNode waiting = json.path("workers").get(2);
        assertThat(waiting.path("state").asText()).isEqualTo("BACKOFF");
        assertThat(waiting.path("next_start_in_ms").asLong()).isEqualTo(8_000);
        assertThat(waiting.has("pid")).as("a slot in backoff has no process").isFalse();
    }

    @Test
    void theHelpersCountOnlyReadyWorkers() {
        PoolStatus s = status("queue", Optional.empty(), Map.of());
        assertThat(s.readyCount()).isEqualTo(1);
        assertThat(s.readyPids()).containsExactly(4242L);
        assertThat(s.inFlight()).isEqualTo(1);
        assertThat(s.slot(2)).contains(BACKOFF);
        assertThatThrownBy(s::queue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the built-in queue");
    }

    @Test
    void somethingElseIsRefusedSayingWhatIsMissing() {
        assertThatThrownBy(() -> PoolStatus.fromJson("{\"ok\":false,\"error\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool");
        assertThatThrownBy(() -> PoolStatus.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
