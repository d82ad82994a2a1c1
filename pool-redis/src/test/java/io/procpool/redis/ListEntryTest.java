package io.procpool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ListEntryTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainBodyHasNoFailuresAndNoId() {
        ListEntry e = ListEntry.of(bytes("hello"));
        assertThat(e.body()).isEqualTo(bytes("hello"));
        assertThat(e.raw()).isSameAs(e.body());
        assertThat(e.failures()).isZero();
        assertThat(e.id()).isNull();
    }

    @Test
    void aWrappedEntryReadsBackWithItsCountItsIdAndItsBodyByteForByte() {
        byte[] body = {0, 'x', '\n', (byte) 0xff, ':'};
        ListEntry wrapped = ListEntry.wrapped(body, 3, "pool-1-abc-7");
        ListEntry read = ListEntry.of(wrapped.raw());
        assertThat(read.body()).isEqualTo(body);
        assertThat(read.failures()).isEqualTo(3);
        assertThat(read.id()).isEqualTo("pool-1-abc-7");
        assertThat(read.raw()).isEqualTo(wrapped.raw());
    }

    @Test
    void equalBodiesWithTheirOwnIdsAreDifferentEntries() {
        assertThat(ListEntry.wrapped(bytes("same"), 1, "a").raw())
                .isNotEqualTo(ListEntry.wrapped(bytes("same"), 1, "b").raw());
    }

    @Test
    void aBodyThatOnlyLooksLikeAHeaderIsTakenAsItIs() {
        byte[] looksLike = {0, 'p', 'p', '1', 0, 'x', 'y'};
        assertThat(ListEntry.of(looksLike).body()).isEqualTo(looksLike);
        byte[] badCount = {0, 'p', 'p', '1', 0, 'x', ':', 'i', '\n', 'b'};
        assertThat(ListEntry.of(badCount).failures()).isZero();
        assertThat(ListEntry.of(badCount).body()).isEqualTo(badCount);
    }
}
