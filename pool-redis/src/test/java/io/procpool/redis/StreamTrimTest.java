package io.procpool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamTrimTest {

    @Test
    void streamIdsCompareByTimeThenSequenceAsNumbersNotText() {
        assertThat(StreamTrim.older("1700000000000-5", "1700000000001-0")).isTrue();
        assertThat(StreamTrim.older("1700000000000-10", "1700000000000-9"))
                .as("not text order")
                .isFalse();
        assertThat(StreamTrim.older("1700000000000-9", "1700000000000-10")).isTrue();
        assertThat(StreamTrim.older("999-0", "1000-0")).isTrue();
        assertThat(StreamTrim.older("5-5", "5-5")).isFalse();
    }
}
