package io.procpool.internal.ipc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of task calls ({@code ctx.task}): TASKS from a calling worker to the manager, and
 * TASK_RESULTS back to it, each a batch, matched by the caller's call id. Stateless codecs; any thread.
 */
public final class Tasks {

    private Tasks() {}

    /** One task: the caller's id for it, the task group it goes to ("" for the pool's first), its body. */
    public record Call(long id, String group, byte[] body) {}

    /** TASKS: calls in the order the caller made them. */
    public record Calls(List<Call> calls) {
        public byte[] encode() {
            List<byte[]> groups = new ArrayList<>(calls.size());
            int size = 4;
            for (Call c : calls) {
                byte[] g = Wire.utf8(c.group());
                groups.add(g);
                size += 12 + Wire.size(g) + c.body().length;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                Call c = calls.get(i);
                out.putLong(c.id());
                Wire.putString(out, groups.get(i));
                out.putInt(c.body().length).put(c.body());
            }
            return out.array();
        }

        public static Calls decode(byte[] b) {
            return Wire.read(b, "TASKS", in -> {
                int n = in.getInt();
                if (n < 0 || n > b.length / 14) {
                    throw new IpcProtocolException("a TASKS claims " + n + " tasks");
                }
                List<Call> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long id = in.getLong();
                    String group = Wire.getString(in);
                    byte[] body = new byte[in.getInt()];
                    in.get(body);
                    list.add(new Call(id, group, body));
                }
                return new Calls(list);
            });
        }
    }

    /** What became of call {@code id}: the task worker's reply ({@code error} null), or why it failed. */
    public record Result(long id, byte[] body, String error) {
        public static Result replied(long id, byte[] body) {
            return new Result(id, body, null);
        }

        public static Result failed(long id, String error) {
            return new Result(id, null, error == null ? "(no message)" : error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    /** TASK_RESULTS: results in the order the manager had them. */
    public record Results(List<Result> results) {
        public byte[] encode() {
            List<byte[]> errors = new ArrayList<>(results.size());
            int size = 4;
            for (Result r : results) {
                byte[] e = r.ok() ? null : Wire.utf8(r.error());
                errors.add(e);
                size += 9 + (r.ok() ? 4 + r.body().length : Wire.size(e));
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(results.size());
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                out.putLong(r.id());
                if (r.ok()) {
                    out.put((byte) 0).putInt(r.body().length).put(r.body());
                } else {
                    out.put((byte) 1);
                    Wire.putString(out, errors.get(i));
                }
            }
            return out.array();
        }

        public static Results decode(byte[] b) {
            return Wire.read(b, "TASK_RESULTS", in -> {
                int n = in.getInt();
                if (n < 0 || n > b.length / 11) {
                    throw new IpcProtocolException("a TASK_RESULTS claims " + n + " results");
                }
                List<Result> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long id = in.getLong();
                    byte kind = in.get();
                    if (kind == 0) {
                        byte[] body = new byte[in.getInt()];
                        in.get(body);
                        list.add(Result.replied(id, body));
                    } else if (kind == 1) {
                        list.add(Result.failed(id, Wire.getString(in)));
                    } else {
                        throw new IpcProtocolException("unknown task result kind " + kind);
                    }
                }
                return new Results(list);
            });
        }
    }
}
