package io.procpool.internal.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payloads of the frame types, each a record that encodes itself to bytes and decodes from
 * them. Stateless; used by the manager's and the worker's reader and writer threads.
 */
public final class Payloads {

    private Payloads() {}

    /** HELLO: the worker's identity, as the manager gave it on the command line. */
    public record Hello(long workerId, int slot, long pid) {
        public byte[] encode() {
            return write(out -> {
                out.writeLong(workerId);
                out.writeInt(slot);
                out.writeLong(pid);
            });
        }

        public static Hello decode(byte[] b) {
            return read(b, in -> new Hello(in.readLong(), in.readInt(), in.readLong()));
        }
    }

    /** WELCOME: the settings the worker runs with, as dotted keys. */
    public record Welcome(Map<String, String> settings) {
        public byte[] encode() {
            return write(out -> writeMap(out, settings));
        }

        public static Welcome decode(byte[] b) {
            return read(b, in -> new Welcome(readMap(in)));
        }
    }

    /**
     * One message inside a DELIVER frame; {@code tag} is the manager's handle for its ack, and a
     * null {@code id} (on the sending side) means the id is the tag itself.
     */
    public record Delivery(long tag, String id, int attempt, String source, Map<String, String> headers, byte[] body) {}

    /**
     * DELIVER: a batch of messages. Hot path: the source is written once per batch (a batch
     * comes from one source), and an id equal to its tag is not written at all.
     */
    public record Deliver(List<Delivery> deliveries) {
        public byte[] encode() {
            int hint = 16;
            for (Delivery d : deliveries) {
                hint += 24 + d.body().length;
            }
            return write(hint, out -> {
                out.writeInt(deliveries.size());
                out.writeUTF(deliveries.isEmpty() ? "" : deliveries.get(0).source());
                for (Delivery d : deliveries) {
                    out.writeLong(d.tag());
                    boolean idIsTag = d.id() == null;
                    out.writeBoolean(idIsTag);
                    if (!idIsTag) {
                        out.writeUTF(d.id());
                    }
                    out.writeInt(d.attempt());
                    writeMap(out, d.headers());
                    out.writeInt(d.body().length);
                    out.write(d.body());
                }
            });
        }

        public static Deliver decode(byte[] b) {
            return read(b, in -> {
                int n = in.readInt();
                String source = in.readUTF();
                List<Delivery> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long tag = in.readLong();
                    String id = in.readBoolean() ? null : in.readUTF(); // null: the id is the tag
                    int attempt = in.readInt();
                    Map<String, String> headers = readMap(in);
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    list.add(new Delivery(tag, id, attempt, source, headers, body));
                }
                return new Deliver(list);
            });
        }
    }

    /** What became of one delivery. */
    public enum Result { ACKED, FAILED, RELEASED }

    /**
     * The outcome of one delivery: acked, failed (with {@code error}), or released unstarted
     * (the worker is stopping or recycling; the message goes back without counting an attempt).
     */
    public record Outcome(long tag, Result result, String error) {
        public static Outcome acked(long tag) {
            return new Outcome(tag, Result.ACKED, null);
        }

        public static Outcome failed(long tag, String error) {
            return new Outcome(tag, Result.FAILED, error);
        }

        public static Outcome released(long tag) {
            return new Outcome(tag, Result.RELEASED, null);
        }
    }

    /** ACK: a batch of outcomes. */
    public record Ack(List<Outcome> outcomes) {
        public byte[] encode() {
            return write(out -> {
                out.writeInt(outcomes.size());
                for (Outcome o : outcomes) {
                    out.writeLong(o.tag());
                    out.writeByte(o.result().ordinal());
                    if (o.result() == Result.FAILED) {
                        out.writeUTF(truncate(o.error()));
                    }
                }
            });
        }

        public static Ack decode(byte[] b) {
            return read(b, in -> {
                int n = in.readInt();
                List<Outcome> list = new ArrayList<>(n);
                Result[] results = Result.values();
                for (int i = 0; i < n; i++) {
                    long tag = in.readLong();
                    int r = in.readByte();
                    if (r < 0 || r >= results.length) {
                        throw new IOException("unknown outcome " + r);
                    }
                    list.add(new Outcome(tag, results[r], results[r] == Result.FAILED ? in.readUTF() : null));
                }
                return new Ack(list);
            });
        }
    }

    /**
     * HEARTBEAT: the worker's counters, and since when its oldest in-flight message has run
     * (epoch millis, 0 when idle) so the manager can enforce {@code message_timeout}.
     */
    public record Heartbeat(long processed, long failed, int inFlight, long busySinceEpochMs) {
        public byte[] encode() {
            return write(out -> {
                out.writeLong(processed);
                out.writeLong(failed);
                out.writeInt(inFlight);
                out.writeLong(busySinceEpochMs);
            });
        }

        public static Heartbeat decode(byte[] b) {
            return read(b, in -> new Heartbeat(in.readLong(), in.readLong(), in.readInt(), in.readLong()));
        }
    }

    /** SEND: a message for the consumer in {@code slot}. */
    public record Send(int slot, byte[] body) {
        public byte[] encode() {
            return write(out -> {
                out.writeInt(slot);
                out.writeInt(body.length);
                out.write(body);
            });
        }

        public static Send decode(byte[] b) {
            return read(b, in -> {
                int slot = in.readInt();
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                return new Send(slot, body);
            });
        }
    }

    /** PUSH: a message for a queue of the built-in queue. */
    public record Push(String queue, byte[] body) {
        public byte[] encode() {
            return write(out -> {
                out.writeUTF(queue);
                out.writeInt(body.length);
                out.write(body);
            });
        }

        public static Push decode(byte[] b) {
            return read(b, in -> {
                String queue = in.readUTF();
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                return new Push(queue, body);
            });
        }
    }

    /** PUSH_BATCH: {@code requestId} matches the answer to the request on a pipelined connection. */
    public record PushBatch(long requestId, String queue, long delayMs, List<byte[]> bodies) {
        public byte[] encode() {
            return write(out -> {
                out.writeLong(requestId);
                out.writeUTF(queue);
                out.writeLong(delayMs);
                out.writeInt(bodies.size());
                for (byte[] b : bodies) {
                    out.writeInt(b.length);
                    out.write(b);
                }
            });
        }

        public static PushBatch decode(byte[] b) {
            return read(b, in -> {
                long id = in.readLong();
                String queue = in.readUTF();
                long delay = in.readLong();
                int n = in.readInt();
                List<byte[]> bodies = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    bodies.add(body);
                }
                return new PushBatch(id, queue, delay, bodies);
            });
        }
    }

    /**
     * PUSHED / PUSH_REFUSED: the answer to one PUSH_BATCH. A batch gets consecutive ids, so the
     * answer is the first and the count; {@code error} is null when it was committed.
     */
    public record PushAnswer(long requestId, long firstId, int count, String error) {
        public byte[] encode() {
            return write(out -> {
                out.writeLong(requestId);
                out.writeBoolean(error == null);
                if (error == null) {
                    out.writeLong(firstId);
                    out.writeInt(count);
                } else {
                    out.writeUTF(truncate(error));
                }
            });
        }

        public static PushAnswer decode(byte[] b) {
            return read(b, in -> {
                long id = in.readLong();
                return in.readBoolean() ? new PushAnswer(id, in.readLong(), in.readInt(), null)
                        : new PushAnswer(id, 0, 0, in.readUTF());
            });
        }
    }

    /** RECYCLE: why the worker wants to be replaced. */
    public record Recycle(String reason) {
        public byte[] encode() {
            return write(out -> out.writeUTF(reason));
        }

        public static Recycle decode(byte[] b) {
            return read(b, in -> new Recycle(in.readUTF()));
        }
    }

    // writeUTF refuses strings over 65535 encoded bytes; errors and ids are cut well below.
    private static String truncate(String s) {
        return s.length() > 8_000 ? s.substring(0, 8_000) + "…" : s;
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (var e : map.entrySet()) {
            out.writeUTF(truncate(e.getKey()));
            out.writeUTF(truncate(e.getValue()));
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return map;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        return write(64, w);
    }

    private static byte[] write(int sizeHint, Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] b, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            return r.read(in);
        } catch (IOException e) {
            throw new IpcProtocolException("truncated or corrupt payload: " + e);
        }
    }
}
