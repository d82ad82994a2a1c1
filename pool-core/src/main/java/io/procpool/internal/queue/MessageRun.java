package io.procpool.internal.queue;

/**
 * Consecutive messages of the built-in queue that share their delivery state: ids
 * {@code firstId ..}, bodies {@code [from, to)} of {@code bodies}. A pushed batch is one run;
 * dispatching cuts runs into slices, and only a message that fails (or is redelivered apart from
 * its neighbours) becomes a run of its own. {@code attempt} counts deliveries (what consumers
 * see as {@code attempt()}); {@code failures} counts deliveries that failed or whose worker died
 * of them, and is what {@code max_deliveries} limits. Immutable; touched under the queue engine's lock.
 */
record MessageRun(long firstId, Bodies bodies, int from, int to, int attempt, int failures, long deliverAtMs) {

    static MessageRun pushed(long firstId, Bodies bodies, long deliverAtMs) {
        return new MessageRun(firstId, bodies, 0, bodies.size(), 0, 0, deliverAtMs);
    }

    int size() {
        return to - from;
    }

    long lastId() {
        return firstId + size() - 1;
    }

    /** Messages {@code [a, b)} of this run, counted from its start. */
    MessageRun slice(int a, int b) {
        return new MessageRun(firstId + a, bodies, from + a, from + b, attempt, failures, deliverAtMs);
    }

    /** Packed bytes of messages {@code [a, b)} of this run. */
    long bytes(int a, int b) {
        return bodies.packedBytes(from + a, from + b);
    }

    byte[] body(int i) {
        return bodies.body(from + i);
    }

    MessageRun nextAttempt() {
        return new MessageRun(firstId, bodies, from, to, attempt + 1, failures, 0);
    }

    /** Sent but never started: the delivery it was sent as does not count. */
    MessageRun notDelivered() {
        return new MessageRun(firstId, bodies, from, to, attempt - 1, failures, 0);
    }

    MessageRun failed(long deliverAtMs) {
        return new MessageRun(firstId, bodies, from, to, attempt, failures + 1, deliverAtMs);
    }
}
