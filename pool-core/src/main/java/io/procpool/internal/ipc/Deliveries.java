package io.procpool.internal.ipc;

import io.procpool.internal.queue.Bodies;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frames that carry messages to a worker: DELIVER (messages of any source, with their ids and
 * headers) and DELIVER_RUNS (built-in queue messages as runs of consecutive ids). These are the hot path:
 * exact-size buffers, bulk puts, and a source written once per frame. Stateless codecs; any thread.
 */
public final class Deliveries {

    private Deliveries() {}

    /**
     * One message inside a DELIVER frame; {@code tag} is the manager's handle for its ack, and a
     * null {@code id} (on the sending side) means the id is the tag itself.
     */
    public record Delivery(long tag, String id, int attempt, String source, Map<String, String> headers, byte[] body) {}

    /**
     * DELIVER: a batch of messages from one source; an id equal to its tag is not written at all.
     * {@code replies}: the source carries replies (TCP), so the consumer may call {@code Message.reply}.
     */
    public record Deliver(List<Delivery> deliveries, boolean replies) {
        public Deliver(List<Delivery> deliveries) {
            this(deliveries, false);
        }

        public byte[] encode() {
            byte[] source =
                    Wire.utf8(deliveries.isEmpty() ? "" : deliveries.get(0).source());
            int size = 4 + Wire.size(source) + 1;
            for (Delivery d : deliveries) {
                size += 8
                        + 1
                        + 4
                        + 4
                        + d.body().length
                        + (d.id() == null ? 0 : Wire.size(Wire.utf8(d.id())))
                        + Wire.mapSize(d.headers());
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(deliveries.size());
            Wire.putString(out, source);
            out.put((byte) (replies ? 1 : 0));
            for (Delivery d : deliveries) {
                out.putLong(d.tag());
                out.put((byte) (d.id() == null ? 1 : 0));
                if (d.id() != null) {
                    Wire.putString(out, Wire.utf8(d.id()));
                }
                out.putInt(d.attempt());
                Wire.putMap(out, d.headers());
                out.putInt(d.body().length);
                out.put(d.body());
            }
            return out.array();
        }

        public static Deliver decode(byte[] b) {
            return Wire.read(b, "DELIVER", in -> {
                int n = in.getInt();
                String source = Wire.getString(in);
                boolean replies = in.get() == 1;
                if (n < 0 || n > b.length / 21) {
                    throw new IpcProtocolException("a DELIVER claims " + n + " messages");
                }
                List<Delivery> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long tag = in.getLong();
                    String id = in.get() == 1 ? null : Wire.getString(in); // null: the id is the tag
                    int attempt = in.getInt();
                    Map<String, String> headers = Wire.getMap(in);
                    byte[] body = new byte[in.getInt()];
                    in.get(body);
                    list.add(new Delivery(tag, id, attempt, source, headers, body));
                }
                return new Deliver(list, replies);
            });
        }
    }

    /**
     * Consecutive built-in queue messages that share their attempt: tags {@code firstTag ..
     * firstTag + count - 1} (the tag is the message id), bodies {@code [from, to)} of {@code bodies}.
     */
    public record Run(long firstTag, int attempt, Bodies bodies, int from, int to) {
        public int count() {
            return to - from;
        }
    }

    /**
     * DELIVER_RUNS: built-in queue messages as runs. Each run's bodies are copied in one piece,
     * so the manager's cost does not grow with the number of messages in a run.
     */
    public static final class DeliverRuns {
        private DeliverRuns() {}

        public static int encodedSize(String source, List<Run> runs) {
            int size = Wire.size(Wire.utf8(source)) + 4;
            for (Run r : runs) {
                size += 16 + r.bodies().packedBytes(r.from(), r.to());
            }
            return size;
        }

        /** Writes the payload at {@code out}'s position; {@code out} has {@link #encodedSize} bytes left. */
        public static void encodeTo(ByteBuffer out, String source, List<Run> runs) {
            Wire.putString(out, Wire.utf8(source));
            out.putInt(runs.size());
            for (Run r : runs) {
                out.putLong(r.firstTag());
                out.putInt(r.attempt());
                out.putInt(r.count());
                r.bodies().writeTo(out, r.from(), r.to());
            }
        }

        /** The runs as one delivery per message. */
        public static List<Delivery> decode(byte[] b) {
            return Wire.read(b, "DELIVER_RUNS", in -> {
                String source = Wire.getString(in);
                int runs = in.getInt();
                if (runs < 0 || runs > b.length / 16) {
                    throw new IpcProtocolException("a DELIVER_RUNS claims " + runs + " runs");
                }
                List<Delivery> list = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    long firstTag = in.getLong();
                    int attempt = in.getInt();
                    Bodies bodies = Bodies.read(in, in.getInt());
                    for (int i = 0; i < bodies.size(); i++) {
                        list.add(new Delivery(firstTag + i, null, attempt, source, Map.of(), bodies.body(i)));
                    }
                }
                return list;
            });
        }
    }
}
