package io.procpool.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procpool.spi.SourceConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void topicsAreAListOrOnePattern() throws Exception {
        assertThat(KafkaSettings.from(Map.of("topics", "orders")).topics()).containsExactly("orders");
        assertThat(KafkaSettings.from(Map.of("topics", "[a, b.v1, c_2]")).topics()).containsExactly("a", "b.v1", "c_2");
        assertThat(KafkaSettings.from(Map.of("topics", "a, b")).topicPattern()).isNull();
        KafkaSettings p = KafkaSettings.from(Map.of("topics", "orders-.*"));
        assertThat(p.topics()).isEmpty();
        assertThat(p.topicPattern().matcher("orders-eu").matches()).isTrue();
        assertThat(p.subscription()).isEqualTo("pattern orders-.*");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "orders-(")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("topics").hasMessageContaining("orders-(");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "a, b*")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("'b*' is not a topic name");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "a", "prefetch", "0")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("prefetch");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "a", "mode", "fast")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("mode");
    }

    @Test
    void shareModeNamesWhatItCannotTake() throws Exception {
        KafkaSettings s = KafkaSettings.from(Map.of("topics", "jobs", "mode", "share", "consumer.fetch.max.bytes", "1048576"));
        assertThat(s.share()).isTrue();
        assertThat(s.startAt()).isEqualTo("earliest");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "jobs-.*", "mode", "share")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("no pattern");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "jobs", "mode", "share", "consumer.session.timeout.ms", "6000")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("consumer.session.timeout.ms");
        assertThatThrownBy(() -> KafkaSettings.from(Map.of("topics", "jobs", "start_at", "middle")))
                .isInstanceOf(SourceConfigException.class).hasMessageContaining("start_at").hasMessageContaining("middle");
    }
}
