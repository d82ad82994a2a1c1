package io.procpool.internal.ipc;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The frames a worker sends about itself and on behalf of its consumer: HEARTBEAT (its counters),
 * RECYCLE (it reached max_requests), SEND (a message for another slot) and PUSH (a message for the
 * built-in queue). Stateless codecs; any thread.
 */
public final class WorkerReports {

    private WorkerReports() {}

    /**
     * HEARTBEAT: the worker's counters, since when its oldest in-flight message has run (epoch
     * millis, 0 when idle) so the manager can enforce {@code message_timeout}, and the counters of
     * a source the worker runs itself (Redis, TCP base mode; empty otherwise), and the handling times
     * of the messages it processed that no ACK reports (those of a source it runs itself), as a
     * running total since it started.
     */
    public record Heartbeat(
            long processed,
            long failed,
            int inFlight,
            long busySinceEpochMs,
            Map<String, String> source,
            HandlingTimes ownTimes) {
        public Heartbeat(long processed, long failed, int inFlight, long busySinceEpochMs, Map<String, String> source) {
            this(processed, failed, inFlight, busySinceEpochMs, source, new HandlingTimes());
        }

        public Heartbeat(long processed, long failed, int inFlight, long busySinceEpochMs) {
            this(processed, failed, inFlight, busySinceEpochMs, Map.of());
        }

        public byte[] encode() {
            ByteBuffer out = ByteBuffer.allocate(28 + Wire.mapSize(source) + ownTimes.size());
            out.putLong(processed).putLong(failed).putInt(inFlight).putLong(busySinceEpochMs);
            Wire.putMap(out, source);
            ownTimes.encode(out);
            return out.array();
        }

        public static Heartbeat decode(byte[] b) {
            return Wire.read(
                    b,
                    "HEARTBEAT",
                    in -> new Heartbeat(
                            in.getLong(),
                            in.getLong(),
                            in.getInt(),
                            in.getLong(),
                            Wire.getMap(in),
                            HandlingTimes.decode(in)));
        }
    }

    /** RECYCLE: why the worker wants to be replaced. */
    public record Recycle(String reason) {
        public byte[] encode() {
            byte[] text = Wire.utf8(reason);
            ByteBuffer out = ByteBuffer.allocate(Wire.size(text));
            Wire.putString(out, text);
            return out.array();
        }

        public static Recycle decode(byte[] b) {
            return Wire.read(b, "RECYCLE", in -> new Recycle(Wire.getString(in)));
        }
    }

    /** SEND: a message for the consumer in {@code slot}. */
    public record Send(int slot, byte[] body) {
        public byte[] encode() {
            return ByteBuffer.allocate(8 + body.length)
                    .putInt(slot)
                    .putInt(body.length)
                    .put(body)
                    .array();
        }

        public static Send decode(byte[] b) {
            return Wire.read(b, "SEND", in -> {
                int slot = in.getInt();
                byte[] body = new byte[in.getInt()];
                in.get(body);
                return new Send(slot, body);
            });
        }
    }

    /** PUSH: a message for a queue of the built-in queue. */
    public record Push(String queue, byte[] body) {
        public byte[] encode() {
            byte[] name = Wire.utf8(queue);
            ByteBuffer out = ByteBuffer.allocate(Wire.size(name) + 4 + body.length);
            Wire.putString(out, name);
            return out.putInt(body.length).put(body).array();
        }

        public static Push decode(byte[] b) {
            return Wire.read(b, "PUSH", in -> {
                String queue = Wire.getString(in);
                byte[] body = new byte[in.getInt()];
                in.get(body);
                return new Push(queue, body);
            });
        }
    }
}
