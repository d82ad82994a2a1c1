package io.procpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** A frame of {@code pool status --watch} names its time with seconds, also when they are zero. */
class StatusWatchTest {

    @Test
    void aFramesTimeKeepsAZeroSecond() {
        assertThat(StatusCommand.frameTime(ZonedDateTime.of(2026, 12, 2, 17, 27, 0, 5, ZoneOffset.UTC)))
                .isEqualTo("17:27:00");
    }
}
