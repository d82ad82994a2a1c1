package io.procpool.internal.ipc;

import io.procpool.internal.queue.Bodies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
     * comes from one source), and an id equal to its tag is not written at all. {@code replies}:
     * the source carries replies (TCP), so the consumer may call {@code Message.reply}.
     */
    public record Deliver(List<Delivery> deliveries, boolean replies) {
        public Deliver(List<Delivery> deliveries) {
            this(deliveries, false);
        }

        public byte[] encode() {
            byte[] source = utf8(deliveries.isEmpty() ? "" : deliveries.get(0).source());
            int size = 4 + 2 + source.length + 1;
            for (Delivery d : deliveries) {
                size += 8 + 1 + 4 + 4 + 4 + d.body().length + (d.id() == null ? 0 : 2 + utf8(d.id()).length)
                        + headersSize(d.headers());
            }
            // One exact-size buffer and bulk puts: this is the hottest encoder of the pool.
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(deliveries.size());
            putString(out, source);
            out.put((byte) (replies ? 1 : 0));
            for (Delivery d : deliveries) {
                out.putLong(d.tag());
                out.put((byte) (d.id() == null ? 1 : 0));
                if (d.id() != null) {
                    putString(out, utf8(d.id()));
                }
                out.putInt(d.attempt());
                out.putInt(d.headers().size());
                for (var h : d.headers().entrySet()) {
                    putString(out, utf8(h.getKey()));
                    putString(out, utf8(h.getValue()));
                }
                out.putInt(d.body().length);
                out.put(d.body());
            }
            return out.array();
        }

        public static Deliver decode(byte[] b) {
            try {
                ByteBuffer in = ByteBuffer.wrap(b);
                int n = in.getInt();
                String source = getString(in);
                boolean replies = in.get() == 1;
                if (n < 0 || n > b.length / 21) {
                    throw new IpcProtocolException("a DELIVER claims " + n + " messages");
                }
                List<Delivery> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long tag = in.getLong();
                    String id = in.get() == 1 ? null : getString(in); // null: the id is the tag
                    int attempt = in.getInt();
                    int headerCount = in.getInt();
                    Map<String, String> headers = headerCount == 0 ? Map.of() : new LinkedHashMap<>();
                    for (int h = 0; h < headerCount; h++) {
                        headers.put(getString(in), getString(in));
                    }
                    byte[] body = new byte[in.getInt()];
                    in.get(body);
                    list.add(new Delivery(tag, id, attempt, source, headers, body));
                }
                return new Deliver(list, replies);
            } catch (RuntimeException e) {
                throw new IpcProtocolException("truncated or corrupt DELIVER payload: " + e);
            }
        }

        private static int headersSize(Map<String, String> headers) {
            int n = 0;
            for (var h : headers.entrySet()) {
                n += 4 + utf8(h.getKey()).length + utf8(h.getValue()).length;
            }
            return n;
        }
    }

    /** One reply of a consumer to the delivery {@code tag}. */
    public record Reply(long tag, byte[] body) {}

    /** REPLIES: a batch of replies, in the order the consumers sent them. */
    public record Replies(List<Reply> replies) {
        public byte[] encode() {
            int size = 4;
            for (Reply r : replies) {
                size += 12 + r.body().length;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(replies.size());
            for (Reply r : replies) {
                out.putLong(r.tag()).putInt(r.body().length).put(r.body());
            }
            return out.array();
        }

        public static Replies decode(byte[] b) {
            try {
                ByteBuffer in = ByteBuffer.wrap(b);
                int n = in.getInt();
                if (n < 0 || n > b.length / 12) {
                    throw new IpcProtocolException("a REPLIES claims " + n + " replies");
                }
                List<Reply> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long tag = in.getLong();
                    byte[] body = new byte[in.getInt()];
                    in.get(body);
                    list.add(new Reply(tag, body));
                }
                return new Replies(list);
            } catch (IpcProtocolException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IpcProtocolException("truncated or corrupt REPLIES payload: " + e);
            }
        }
    }

    /** What became of one delivery. */
    public enum Result { ACKED, FAILED, RELEASED }

    /**
     * The outcome of {@code count} deliveries with consecutive tags from {@code tag}: acked,
     * failed (with {@code error}; always one delivery), or released unstarted (the worker is
     * stopping or recycling; the messages go back without counting an attempt). Workers send
     * consecutive acks as one range, so a batch processed in order acks as one outcome.
     */
    public record Outcome(long tag, int count, Result result, String error) {
        public static Outcome acked(long tag) {
            return new Outcome(tag, 1, Result.ACKED, null);
        }

        public static Outcome failed(long tag, String error) {
            return new Outcome(tag, 1, Result.FAILED, error);
        }

        public static Outcome released(long tag) {
            return new Outcome(tag, 1, Result.RELEASED, null);
        }
    }

    /** ACK: a batch of outcomes. */
    public record Ack(List<Outcome> outcomes) {
        public byte[] encode() {
            int size = 4;
            for (Outcome o : outcomes) {
                size += 13 + (o.result() == Result.FAILED ? 2 + utf8(o.error()).length : 0);
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(outcomes.size());
            for (Outcome o : outcomes) {
                out.putLong(o.tag());
                out.putInt(o.count());
                out.put((byte) o.result().ordinal());
                if (o.result() == Result.FAILED) {
                    putString(out, utf8(o.error()));
                }
            }
            return out.array();
        }

        public static Ack decode(byte[] b) {
            try {
                ByteBuffer in = ByteBuffer.wrap(b);
                int n = in.getInt();
                if (n < 0 || n > b.length / 13) {
                    throw new IpcProtocolException("an ACK claims " + n + " outcomes");
                }
                List<Outcome> list = new ArrayList<>(n);
                Result[] results = Result.values();
                for (int i = 0; i < n; i++) {
                    long tag = in.getLong();
                    int count = in.getInt();
                    int r = in.get();
                    if (r < 0 || r >= results.length) {
                        throw new IpcProtocolException("unknown outcome " + r);
                    }
                    if (count < 1 || (results[r] == Result.FAILED && count != 1)) {
                        throw new IpcProtocolException("an outcome of " + count + " deliveries");
                    }
                    list.add(new Outcome(tag, count, results[r], results[r] == Result.FAILED ? getString(in) : null));
                }
                return new Ack(list);
            } catch (IpcProtocolException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IpcProtocolException("truncated or corrupt ACK payload: " + e);
            }
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
            int size = 2 + utf8(source).length + 4;
            for (Run r : runs) {
                size += 16 + r.bodies().packedBytes(r.from(), r.to());
            }
            return size;
        }

        /** Writes the payload at {@code out}'s position; {@code out} has {@link #encodedSize} bytes left. */
        public static void encodeTo(ByteBuffer out, String source, List<Run> runs) {
            putString(out, utf8(source));
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
            try {
                ByteBuffer in = ByteBuffer.wrap(b);
                String source = getString(in);
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
            } catch (IpcProtocolException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IpcProtocolException("truncated or corrupt DELIVER_RUNS payload: " + e);
            }
        }
    }

    /**
     * HEARTBEAT: the worker's counters, since when its oldest in-flight message has run (epoch
     * millis, 0 when idle) so the manager can enforce {@code message_timeout}, and the counters of
     * a source the worker runs itself (Redis, TCP base mode; empty otherwise).
     */
    public record Heartbeat(long processed, long failed, int inFlight, long busySinceEpochMs, Map<String, String> source) {
        public Heartbeat(long processed, long failed, int inFlight, long busySinceEpochMs) {
            this(processed, failed, inFlight, busySinceEpochMs, Map.of());
        }

        public byte[] encode() {
            return write(out -> {
                out.writeLong(processed);
                out.writeLong(failed);
                out.writeInt(inFlight);
                out.writeLong(busySinceEpochMs);
                writeMap(out, source);
            });
        }

        public static Heartbeat decode(byte[] b) {
            return read(b, in -> new Heartbeat(in.readLong(), in.readLong(), in.readInt(), in.readLong(), readMap(in)));
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

    /**
     * PUSH_BATCH: {@code requestId} matches the answer to the request on a pipelined
     * connection. Decoding does not copy the bodies: they stay packed in the frame's bytes.
     */
    public record PushBatch(long requestId, String queue, long delayMs, Bodies bodies) {
        public byte[] encode() {
            byte[] name = utf8(queue);
            ByteBuffer out = ByteBuffer.allocate(8 + 2 + name.length + 8 + 4 + bodies.packedBytes(0, bodies.size()));
            out.putLong(requestId);
            putString(out, name);
            out.putLong(delayMs);
            out.putInt(bodies.size());
            bodies.writeTo(out, 0, bodies.size());
            return out.array();
        }

        public static PushBatch decode(byte[] b) {
            try {
                ByteBuffer in = ByteBuffer.wrap(b);
                long id = in.getLong();
                String queue = getString(in);
                long delay = in.getLong();
                return new PushBatch(id, queue, delay, Bodies.read(in, in.getInt()));
            } catch (IllegalArgumentException e) {
                throw new IpcProtocolException("a corrupt PUSH_BATCH payload: " + e.getMessage());
            } catch (RuntimeException e) {
                throw new IpcProtocolException("truncated or corrupt PUSH_BATCH payload: " + e);
            }
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

    /** UTF-8 of a string cut to 8,000 chars, so that it always fits a u16 length (3 bytes a char at most). */
    private static byte[] utf8(String s) {
        return truncate(s).getBytes(StandardCharsets.UTF_8);
    }

    /** A string as u16 length and UTF-8 bytes; callers keep strings under 64 KiB (see truncate). */
    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putShort((short) utf8.length);
        out.put(utf8);
    }

    private static String getString(ByteBuffer in) {
        byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
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
