package io.procpool.internal.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private final RestartBackoff backoff = new RestartBackoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void doublesWithEachQuickFailureUpToTheCap() {
        assertThat(backoff.delayAfter(0)).isZero();
        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(1000)).isEqualTo(Duration.ofSeconds(30));
    }
}
