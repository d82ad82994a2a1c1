package io.procpool.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code workers: {min, max, ...}}: defaults, the count it starts with, and each refusal naming key, value and why. */
class AutoscaleSettingsTest {

    private static PoolConfig load(Map<String, String> sets) {
        Map<String, Object> all = new HashMap<>(sets);
        all.put("consumer", "com.acme.C");
        return ConfigLoader.load(null, Map.of(), all);
    }

    @Test
    void minAndMaxWithDefaultsStartAtMin() {
        PoolConfig c = load(Map.of("workers.min", "2", "workers.max", "6"));
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.autoscale())
                .isEqualTo(new AutoscaleSettings(
                        2,
                        6,
                        AutoscaleSettings.DEFAULT_BACKLOG_PER_WORKER,
                        AutoscaleSettings.DEFAULT_COOLDOWN,
                        AutoscaleSettings.DEFAULT_IDLE_AFTER));
        assertThat(load(Map.of("workers", "3")).autoscale())
                .as("a number: no autoscaling")
                .isNull();
        PoolConfig tuned = load(Map.of(
                "workers.min", "1",
                "workers.max", "4",
                "workers.backlog_per_worker", "500",
                "workers.cooldown", "2s",
                "workers.idle_after", "5m"));
        assertThat(tuned.autoscale().backlogPerWorker()).isEqualTo(500);
        assertThat(tuned.autoscale().cooldown()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tuned.autoscale().idleAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(load(Map.of("source.type", "task", "workers.min", "1", "workers.max", "3"))
                        .autoscale())
                .isNotNull();
    }

    @Test
    void halfAMapANumberAndAMapOrBoundsTheWrongWayRoundAreRefused() {
        assertThatThrownBy(() -> load(Map.of("workers.min", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.max")
                .hasMessageContaining("needs both workers.min and workers.max");
        assertThatThrownBy(() -> load(Map.of("workers", "2", "workers.min", "1", "workers.max", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers: is a number of workers or a map of min and max")
                .hasMessageContaining("\"2\"");
        assertThatThrownBy(() -> load(Map.of("workers.min", "4", "workers.max", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.max: must be at least workers.min (4)")
                .hasMessageContaining("\"2\"");
        assertThatThrownBy(() -> load(Map.of("workers.min", "1", "workers.max", "3", "workers.cooldown", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.cooldown")
                .hasMessageContaining("soon");
    }

    @Test
    void aSourceWhoseBacklogTheManagerCannotReadIsRefused() {
        assertThatThrownBy(() -> load(Map.of("source.type", "none", "workers.min", "1", "workers.max", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.")
                .hasMessageContaining("cannot apply to source none")
                .hasMessageContaining("give workers a number");
    }
}
