package io.procpool.internal.queue;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Message bodies packed back to back as {@code u32 length | bytes}, the layout they have in a
 * PUSH_BATCH frame and in a DELIVER_RUNS frame: the manager keeps a pushed batch as the bytes it
 * arrived in and forwards any contiguous slice of it with one copy, instead of one object per
 * message. Immutable after construction; any thread.
 */
public final class Bodies {

    private final byte[] data;
    /** Where each body's length prefix starts in {@link #data}; one more entry marks the end. */
    private final int[] starts;

    private Bodies(byte[] data, int[] starts) {
        this.data = data;
        this.starts = starts;
    }

    /** Packs separate bodies. */
    public static Bodies of(List<byte[]> bodies) {
        int size = 0;
        for (byte[] b : bodies) {
            size += 4 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        int[] starts = new int[bodies.size() + 1];
        for (int i = 0; i < bodies.size(); i++) {
            starts[i] = out.position();
            out.putInt(bodies.get(i).length).put(bodies.get(i));
        }
        starts[bodies.size()] = out.position();
        return new Bodies(out.array(), starts);
    }

    /**
     * Reads {@code count} packed bodies from {@code in} without copying them: the result shares
     * {@code in}'s array. Moves {@code in} past them.
     *
     * @throws IllegalArgumentException when a length is negative or runs past the buffer
     */
    public static Bodies read(ByteBuffer in, int count) {
        if (count < 0 || count > in.remaining() / 4) {
            throw new IllegalArgumentException("claims " + count + " messages in " + in.remaining() + " bytes");
        }
        int[] starts = new int[count + 1];
        int p = in.arrayOffset() + in.position();
        int end = in.arrayOffset() + in.limit();
        byte[] a = in.array();
        for (int i = 0; i < count; i++) {
            if (p + 4 > end) {
                throw new IllegalArgumentException("message " + (i + 1) + " of " + count + " is cut short");
            }
            starts[i] = p;
            int len = ((a[p] & 0xff) << 24) | ((a[p + 1] & 0xff) << 16) | ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
            if (len < 0 || len > end - p - 4) {
                throw new IllegalArgumentException("message " + (i + 1) + " of " + count + " claims " + len + " bytes");
            }
            p += 4 + len;
        }
        starts[count] = p;
        in.position(p - in.arrayOffset());
        return new Bodies(a, starts);
    }

    public int size() {
        return starts.length - 1;
    }

    public int length(int i) {
        return starts[i + 1] - starts[i] - 4;
    }

    /** A copy of body {@code i}. */
    public byte[] body(int i) {
        byte[] b = new byte[length(i)];
        System.arraycopy(data, starts[i] + 4, b, 0, b.length);
        return b;
    }

    /** Bytes that bodies {@code [from, to)} take packed, prefixes included. */
    public int packedBytes(int from, int to) {
        return starts[to] - starts[from];
    }

    /** Writes bodies {@code [from, to)} packed, with one copy. */
    public void writeTo(ByteBuffer out, int from, int to) {
        out.put(data, starts[from], starts[to] - starts[from]);
    }
}
