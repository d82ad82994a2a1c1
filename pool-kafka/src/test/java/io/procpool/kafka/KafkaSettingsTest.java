package io.procpool.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.spi.SourceConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static KafkaSettings from(java.util.Map<String, String> settings)
            throws io.procpool.spi.SourceConfigException {
        return KafkaSettings.from(io.procpool.spi.SourceSettings.of(settings));
    }

    @Test
    void topicsAreAListOrOnePattern() throws Exception {
        assertThat(from(Map.of("topics", "orders")).topics()).containsExactly("orders");
        assertThat(from(Map.of("topics", "[a, b.v1, c_2]")).topics()).containsExactly("a", "b.v1", "c_2");
        assertThat(from(Map.of("topics", "a, b")).topicPattern()).isNull();
        KafkaSettings p = from(Map.of("topics", "orders-.*"));
        assertThat(p.topics()).isEmpty();
        assertThat(p.topicPattern().matcher("orders-eu").matches()).isTrue();
        assertThat(p.subscription()).isEqualTo("pattern orders-.*");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> from(Map.of("topics", "orders-(")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("topics")
                .hasMessageContaining("orders-(");
        assertThatThrownBy(() -> from(Map.of("topics", "a, b*")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("'b*' is not a topic name");
        assertThatThrownBy(() -> from(Map.of("topics", "a", "prefetch", "0")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("prefetch");
        assertThatThrownBy(() -> from(Map.of("topics", "a", "mode", "fast")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("mode");
    }

    @Test
    void shareModeNamesWhatItCannotTake() throws Exception {
        KafkaSettings s = from(Map.of("topics", "jobs", "mode", "share", "consumer.fetch.max.bytes", "1048576"));
        assertThat(s.share()).isTrue();
        assertThat(s.startAt()).isEqualTo("earliest");
        assertThatThrownBy(() -> from(Map.of("topics", "jobs-.*", "mode", "share")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("no pattern");
        assertThatThrownBy(() -> from(Map.of("topics", "jobs", "mode", "share", "consumer.session.timeout.ms", "6000")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("consumer.session.timeout.ms");
        assertThatThrownBy(() -> from(Map.of("topics", "jobs", "start_at", "middle")))
                .isInstanceOf(SourceConfigException.class)
                .hasMessageContaining("start_at")
                .hasMessageContaining("middle");
    }
}
