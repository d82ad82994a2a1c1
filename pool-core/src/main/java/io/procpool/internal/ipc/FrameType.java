package io.procpool.internal.ipc;

/** The kinds of frames on the manager–worker channel; the code is the frame's type byte. */
public enum FrameType {
    /** worker → manager, first frame: who I am. */
    HELLO(1),
    /** manager → worker, answer to HELLO: the resolved settings. */
    WELCOME(2),
    /** worker → manager: consumer loaded, {@code onStart} returned, ready for messages. */
    READY(3),
    /** manager → worker: a batch of messages; a flag says whether their consumer may reply. */
    DELIVER(4),
    /** worker → manager: a batch of outcomes (acks and failures) for delivered messages. */
    ACK(5),
    /** manager → worker: stop taking messages, finish in-flight ones, {@code onStop}, exit. */
    STOP(6),
    /** worker → manager, periodic: counters and how long the current message has run. */
    HEARTBEAT(7),
    /** worker → manager: a message for another slot's consumer. */
    SEND(8),
    /** worker → manager: I reached {@code max_requests}; replace me. */
    RECYCLE(9),
    /** worker → manager: a message for the built-in queue. */
    PUSH(10),
    /** producer → manager (queue.sock): a batch of messages for a queue. */
    PUSH_BATCH(11),
    /** manager → producer: the batch is committed; its ids. */
    PUSHED(12),
    /** manager → producer: the batch was refused (full queue, too large, wrong queue); nothing of it was added. */
    PUSH_REFUSED(13),
    /**
     * manager → worker: built-in queue messages as runs of consecutive ids that share their
     * attempt, bodies packed as they were pushed (the fast path; DELIVER carries the rest).
     */
    DELIVER_RUNS(14),
    /** worker → manager: replies of deliveries that allow them (TCP), sent before the ACK of their delivery. */
    REPLIES(15),
    /** worker → manager: tasks for a task group ({@code ctx.task}), each with the caller's call id. */
    TASKS(16),
    /** manager → worker: the results of its tasks, by call id (a task worker's reply, or why it failed). */
    TASK_RESULTS(17);

    public final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    private static final FrameType[] BY_CODE = new FrameType[18];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    /**
     * The frame type of a code.
     *
     * @throws IpcProtocolException for a code no frame type has
     */
    public static FrameType of(byte code) {
        FrameType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new IpcProtocolException("unknown frame type " + code);
        }
        return t;
    }
}
