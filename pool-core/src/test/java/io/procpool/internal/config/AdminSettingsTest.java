package io.procpool.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.*}: off by default, a bare port on loopback, bad values and misplaced keys refused naming them. */
class AdminSettingsTest {

    @TempDir
    Path dir;

    private static PoolConfig load(Map<String, String> sets) {
        Map<String, Object> all = new java.util.HashMap<>(sets);
        all.put("consumer", "com.acme.C");
        return ConfigLoader.load(null, Map.of(), all);
    }

    @Test
    void offByDefaultAndABarePortListensOnLoopback() {
        assertThat(load(Map.of()).admin().on()).isFalse();
        AdminSettings port = load(Map.of("http.listen", "9464")).admin();
        assertThat(port.listen().getAddress().isLoopbackAddress()).isTrue();
        assertThat(port.listen().getPort()).isEqualTo(9464);
        assertThat(load(Map.of("http.listen", ":9465")).admin().listen().getHostString())
                .isEqualTo("127.0.0.1");
        assertThat(load(Map.of("http.listen", "0.0.0.0:9466")).admin().listen().getHostString())
                .isEqualTo("0.0.0.0");
        assertThat(load(Map.of("http.listen", "9464")).admin().readyMin())
                .as("0: every worker")
                .isZero();
    }

    @Test
    void badValuesAreRefusedNamingKeyAndValue() {
        assertThatThrownBy(() -> load(Map.of("http.listen", "localhost:http")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.listen")
                .hasMessageContaining("localhost:http")
                .hasMessageContaining("port from 1 to 65535");
        assertThatThrownBy(() -> load(Map.of("http.ready_min", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.ready_min")
                .hasMessageContaining("needs http.listen");
        assertThatThrownBy(() -> load(Map.of("http.listen", "9464", "http.ready_min", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.ready_min");
    }

    @Test
    void aGroupCannotSetTheManagersEndpoint() throws Exception {
        Path file = Files.writeString(dir.resolve("pool.yaml"), """
                groups:
                  orders:
                    consumer: com.acme.C
                    http: {listen: 9464}
                """);
        assertThatThrownBy(() -> ConfigLoader.loadLayout(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("groups.orders.http.listen");
    }
}
