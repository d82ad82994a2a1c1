package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartOnlySettingsTest {

    private static PoolConfig config(String... pairs) {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("consumer", "com.acme.C");
        for (int i = 0; i < pairs.length; i += 2) {
            flags.put(pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.load(null, Map.of(), flags);
    }

    @Test
    void settingsTheSupervisorOrTheWorkersReadAreReloadable() {
        PoolConfig running = config("workers", "2");
        PoolConfig next = config(
                "workers",
                "5",
                "restart_backoff",
                "1s",
                "max_requests",
                "100",
                "jvm_options",
                "-Xmx64m",
                "source.prefetch",
                "512",
                "source.max_length",
                "10",
                "source.redelivery_delay",
                "5s",
                "app.x",
                "y");
        assertThat(RestartOnlySettings.changed(running, next)).isEmpty();
    }

    @Test
    void theHttpEndpointNeedsARestart() {
        assertThat(RestartOnlySettings.changed(config("http.listen", "9464"), config("http.listen", "9465")))
                .containsExactly("http.listen: 127.0.0.1:9464 -> 127.0.0.1:9465");
        assertThat(RestartOnlySettings.changed(
                        config("http.listen", "9464"), config("http.listen", "9464", "http.ready_min", "1")))
                .containsExactly("http.ready_min: 0 -> 1");
    }

    @Test
    void theDirectoriesTheSourceTypeAndTheQueuesStoreNeedARestart() {
        PoolConfig running = config();
        PoolConfig next = config("run_dir", "/tmp/other-run", "source.queue", "orders", "source.durability", "power");
        List<String> changed = RestartOnlySettings.changed(running, next);
        assertThat(changed)
                .hasSize(3)
                .anySatisfy(c -> assertThat(c).startsWith("run_dir: ").endsWith(" -> /tmp/other-run"))
                .contains("source.queue: default -> orders", "source.durability: process -> power");
        assertThat(RestartOnlySettings.refusal(changed))
                .contains("the running configuration stays")
                .contains("need a restart");
        assertThat(RestartOnlySettings.changed(running, config("source.type", "none")))
                .containsExactly("source.type: queue -> none");
    }
}
