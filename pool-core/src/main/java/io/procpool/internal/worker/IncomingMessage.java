package io.procpool.internal.worker;

import io.procpool.Message;
import io.procpool.internal.ipc.Deliveries.Delivery;
import java.util.Map;

/**
 * A {@link Message} built from one delivery; {@code replyTo} is where replies go, null when the
 * source carries none. Immutable; any thread.
 */
record IncomingMessage(Delivery delivery, java.util.function.Consumer<byte[]> replyTo) implements Message {

    IncomingMessage(Delivery delivery) {
        this(delivery, null);
    }

    @Override
    public void reply(byte[] body) {
        if (replyTo == null) {
            Message.super.reply(body);
        } else {
            replyTo.accept(body);
        }
    }

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
