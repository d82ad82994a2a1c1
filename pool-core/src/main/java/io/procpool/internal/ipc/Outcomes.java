package io.procpool.internal.ipc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames a worker sends back about its deliveries: REPLIES (what consumers replied, in order) and
 * ACK (what became of each delivery, consecutive acks as one range). Stateless codecs; any thread.
 */
public final class Outcomes {

    private Outcomes() {}

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
            return Wire.read(b, "REPLIES", in -> {
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
            });
        }
    }

    /** What became of one delivery, with its code on the wire (fixed: the enum's order is not the protocol). */
    public enum Result {
        ACKED(0),
        FAILED(1),
        RELEASED(2);

        final byte code;

        Result(int code) {
            this.code = (byte) code;
        }

        private static final Result[] BY_CODE = {ACKED, FAILED, RELEASED};

        static Result ofCode(int code) {
            if (code < 0 || code >= BY_CODE.length || BY_CODE[code].code != code) {
                throw new IpcProtocolException("unknown outcome " + code);
            }
            return BY_CODE[code];
        }
    }

    /**
     * The outcome of {@code count} deliveries with consecutive tags from {@code tag}: acked,
     * failed (with {@code error}; always one delivery), or released unstarted (the worker is
     * stopping or recycling; the messages go back without counting an attempt). Workers send
     * consecutive acks as one range, so a batch processed in order acks as one outcome.
     */
    public record Outcome(long tag, int count, Result result, String error) {
        public Outcome {
            if (result == Result.FAILED && error == null) {
                error = "(no message)"; // an exception without a message still fails with some text
            }
        }

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

    /**
     * ACK: a batch of outcomes, and how long the acked deliveries among them took to handle (the
     * manager counts those times only for acks it settles, so the histogram matches the acks).
     */
    public record Ack(List<Outcome> outcomes, HandlingTimes times) {
        public Ack(List<Outcome> outcomes) {
            this(outcomes, new HandlingTimes());
        }

        /** Deliveries this frame acks. */
        public long acked() {
            long n = 0;
            for (Outcome o : outcomes) {
                if (o.result() == Result.ACKED) {
                    n += o.count();
                }
            }
            return n;
        }

        public byte[] encode() {
            int size = 4 + times.size();
            for (Outcome o : outcomes) {
                size += 13 + (o.result() == Result.FAILED ? Wire.size(Wire.utf8(o.error())) : 0);
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(outcomes.size());
            for (Outcome o : outcomes) {
                out.putLong(o.tag());
                out.putInt(o.count());
                out.put(o.result().code);
                if (o.result() == Result.FAILED) {
                    Wire.putString(out, Wire.utf8(o.error()));
                }
            }
            times.encode(out);
            return out.array();
        }

        public static Ack decode(byte[] b) {
            return Wire.read(b, "ACK", in -> {
                int n = in.getInt();
                if (n < 0 || n > b.length / 13) {
                    throw new IpcProtocolException("an ACK claims " + n + " outcomes");
                }
                List<Outcome> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long tag = in.getLong();
                    int count = in.getInt();
                    Result r = Result.ofCode(in.get());
                    if (count < 1 || (r == Result.FAILED && count != 1)) {
                        throw new IpcProtocolException("an outcome of " + count + " deliveries");
                    }
                    list.add(new Outcome(tag, count, r, r == Result.FAILED ? Wire.getString(in) : null));
                }
                return new Ack(list, HandlingTimes.decode(in));
            });
        }
    }
}
