package io.procpool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.spi.SourceConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    private static RedisSettings from(java.util.Map<String, String> settings)
            throws io.procpool.spi.SourceConfigException {
        return RedisSettings.from(io.procpool.spi.SourceSettings.of(settings));
    }

    @Test
    void defaultsAreAListOnTheLocalRedis() throws Exception {
        RedisSettings s = from(Map.of("type", "redis"));
        assertThat(s.stream()).isFalse();
        assertThat(s.key()).isEqualTo("jobs");
        assertThat(s.prefetch()).isEqualTo(64);
        assertThat(s.maxLength()).isZero();
    }

    @Test
    void maxLengthTrimsStreamsAndIsRefusedForAList() throws Exception {
        assertThat(from(Map.of("mode", "stream", "max_length", "1000")).maxLength())
                .isEqualTo(1000);
        assertThatThrownBy(() -> from(Map.of("mode", "list", "max_length", "1000")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("max_length")
                .hasMessageContaining("mode: stream");
    }

    @Test
    void aBadValueIsNamedWithItsKey() {
        assertThatThrownBy(() -> from(Map.of("prefetch", "0")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("prefetch")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> from(Map.of("mode", "stream", "claim_idle", "30")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("claim_idle")
                .hasMessageContaining("unit");
        assertThatThrownBy(() -> from(Map.of("keys", "x")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("unknown key");
    }
}
