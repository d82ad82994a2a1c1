package io.procpool.internal.worker;

import io.procpool.Message;
import io.procpool.internal.ipc.Payloads.Delivery;
import java.util.Map;

/** A {@link Message} built from one delivery of a DELIVER frame. Immutable. */
record IncomingMessage(Delivery delivery) implements Message {

    @Override
    public String id() {
        return idOf(delivery);
    }

    /** A delivery's id; the manager leaves it out when it equals the tag (the built-in queue's case). */
    static String idOf(Delivery d) {
        return d.id() != null ? d.id() : Long.toString(d.tag());
    }

    @Override
    public byte[] body() {
        return delivery.body().clone();
    }

    @Override
    public Map<String, String> headers() {
        return delivery.headers();
    }

    @Override
    public int attempt() {
        return delivery.attempt();
    }

    @Override
    public String source() {
        return delivery.source();
    }
}
