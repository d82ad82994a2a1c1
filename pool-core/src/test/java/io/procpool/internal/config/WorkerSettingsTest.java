package io.procpool.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.internal.ipc.Handshake.Welcome;
import io.procpool.internal.ipc.IpcProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** WELCOME's settings reach the worker as the manager decided them, and the consumer sees only the pool's keys. */
class WorkerSettingsTest {

    private static final RetrySettings RETRY = new RetrySettings(
            5, Duration.ofMillis(250), 3.0, Duration.ofSeconds(4), 0.25, List.of("java.lang.IllegalStateException"));

    private static WorkerSettings settings(String poolQueue) {
        return new WorkerSettings(
                "com.example.Orders",
                4,
                1_234,
                16,
                RETRY,
                "host-1f2e",
                poolQueue,
                Map.of("source.type", "redis", "source.key", "jobs", "app.greeting", "hi", "workers", "3"));
    }

    @Test
    void everySettingSurvivesTheWelcomeFrame() {
        for (String poolQueue : new String[] {"orders", null}) {
            WorkerSettings sent = settings(poolQueue);
            assertThat(Welcome.decode(new Welcome(sent).encode()).settings()).isEqualTo(sent);
        }
    }

    @Test
    void theSourceKeysLoseTheirPrefix() {
        var source = settings(null).source();
        assertThat(source.type()).isEqualTo("redis");
        assertThat(source.keys()).containsExactlyInAnyOrder("type", "key");
    }

    @Test
    void theConsumerSeesTheEffectiveSettingsAndNoneOfTheManagersOwnKeys() {
        Map<String, String> view = settings("orders").consumerView();
        assertThat(view)
                .containsEntry("consumer", "com.example.Orders")
                .containsEntry("concurrency", "4")
                .containsEntry("source.type", "redis")
                .containsEntry("app.greeting", "hi")
                .containsEntry("retry.max_tries", "5")
                .containsEntry("retry.ignore", "java.lang.IllegalStateException");
        assertThat(view.keySet()).noneMatch(k -> k.startsWith("pool.") || k.startsWith("worker."));
    }

    @Test
    void aWelcomeWithoutTheManagersKeysIsAProtocolErrorNamingTheKey() {
        Map<String, String> wire = new TreeMap<>(settings(null).toWire());
        wire.remove("worker.max_requests");
        assertThatThrownBy(() -> WorkerSettings.fromWire(wire))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker.max_requests");
        wire.put("worker.max_requests", "many");
        assertThatThrownBy(() -> WorkerSettings.fromWire(wire)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGarbledWelcomePayloadIsAProtocolError() {
        assertThatThrownBy(() -> Welcome.decode(new byte[] {0, 0, 0, 1, 0})).isInstanceOf(IpcProtocolException.class);
    }

    @Test
    void theAckBatchIsAQuarterOfTheCreditWindowWithinBounds() {
        assertThat(WorkerSettings.ackBatchFor(1)).isEqualTo(1);
        assertThat(WorkerSettings.ackBatchFor(64)).isEqualTo(16);
        assertThat(WorkerSettings.ackBatchFor(100_000)).isEqualTo(512);
    }
}
