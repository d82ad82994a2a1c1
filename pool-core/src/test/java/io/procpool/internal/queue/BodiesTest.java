package io.procpool.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packed bodies and id ranges: the manager's per-batch bookkeeping. */
class BodiesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void packedBodiesReadBackWithoutCopyingAndSliceInOnePiece() {
        Bodies packed = Bodies.of(List.of(utf8("one"), utf8(""), utf8("three")));
        ByteBuffer frame = ByteBuffer.allocate(7 + packed.packedBytes(0, 3));
        frame.put(new byte[] {9, 9, 9}).putInt(3);
        packed.writeTo(frame, 0, 3);
        frame.flip().position(7);
        Bodies read = Bodies.read(frame, 3);
        assertThat(read.size()).isEqualTo(3);
        assertThat(new String(read.body(2), StandardCharsets.UTF_8)).isEqualTo("three");
        assertThat(read.length(1)).isZero();
        assertThat(read.packedBytes(1, 3)).isEqualTo(4 + 4 + 5);
        assertThat(frame.remaining()).isZero();
    }

    @Test
    void aLengthThatRunsPastTheFrameIsRefused() {
        ByteBuffer frame = ByteBuffer.allocate(13).putInt(5).put(utf8("abcde")).putInt(1_000);
        frame.flip();
        assertThatThrownBy(() -> Bodies.read(frame, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 2 of 2 claims 1000 bytes");
        assertThatThrownBy(() -> Bodies.read(ByteBuffer.allocate(8), 1_000_000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idRangesMergeContinuationsAndSortOverlaps() {
        IdRanges r = new IdRanges();
        r.add(10, 5);
        r.add(15, 5);
        r.add(1, 3);
        r.add(4, 1);
        r.add(30, 1);
        r.add(18, 4);
        assertThat(r.total()).isEqualTo(19);
        assertThat(r.merged()).isDeepEqualTo(new long[][] {{1, 4}, {10, 21}, {30, 30}});
    }
}
