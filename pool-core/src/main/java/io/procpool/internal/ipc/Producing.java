package io.procpool.internal.ipc;

import io.procpool.internal.queue.Bodies;
import java.nio.ByteBuffer;

/**
 * The frames of a producer's connection ({@code queue.sock}): PUSH_BATCH, and its answer PUSHED or
 * PUSH_REFUSED. Stateless codecs; any thread.
 */
public final class Producing {

    private Producing() {}

    /**
     * PUSH_BATCH: {@code requestId} matches the answer to the request on a pipelined
     * connection. Decoding does not copy the bodies: they stay packed in the frame's bytes.
     */
    public record PushBatch(long requestId, String queue, long delayMs, Bodies bodies) {
        public byte[] encode() {
            byte[] name = Wire.utf8(queue);
            ByteBuffer out = ByteBuffer.allocate(8 + Wire.size(name) + 8 + 4 + bodies.packedBytes(0, bodies.size()));
            out.putLong(requestId);
            Wire.putString(out, name);
            out.putLong(delayMs);
            out.putInt(bodies.size());
            bodies.writeTo(out, 0, bodies.size());
            return out.array();
        }

        public static PushBatch decode(byte[] b) {
            return Wire.read(b, "PUSH_BATCH", in -> {
                long id = in.getLong();
                String queue = Wire.getString(in);
                long delay = in.getLong();
                try {
                    return new PushBatch(id, queue, delay, Bodies.read(in, in.getInt()));
                } catch (IllegalArgumentException e) {
                    throw new IpcProtocolException("a corrupt PUSH_BATCH payload: " + e.getMessage());
                }
            });
        }
    }

    /**
     * PUSHED / PUSH_REFUSED: the answer to one PUSH_BATCH. A batch gets consecutive ids, so the
     * answer is the first and the count; {@code error} is null when it was committed.
     */
    public record PushAnswer(long requestId, long firstId, int count, String error) {
        public byte[] encode() {
            if (error == null) {
                return ByteBuffer.allocate(21)
                        .putLong(requestId)
                        .put((byte) 1)
                        .putLong(firstId)
                        .putInt(count)
                        .array();
            }
            byte[] text = Wire.utf8(error);
            ByteBuffer out =
                    ByteBuffer.allocate(9 + Wire.size(text)).putLong(requestId).put((byte) 0);
            Wire.putString(out, text);
            return out.array();
        }

        public static PushAnswer decode(byte[] b) {
            return Wire.read(b, "PUSH answer", in -> {
                long id = in.getLong();
                return in.get() == 1
                        ? new PushAnswer(id, in.getLong(), in.getInt(), null)
                        : new PushAnswer(id, 0, 0, Wire.getString(in));
            });
        }
    }
}
