package io.procpool;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One message handed to {@link Consumer#onMessage}; immutable, safe to read from any thread. */
public interface Message {

    /** The source's id for this message (a queue sequence number, a stream id, an offset). */
    String id();

    /** The body; the array is the consumer's to keep. */
    byte[] body();

    /** The body decoded as UTF-8. */
    default String bodyAsString() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** Headers the source carries (stream fields, Kafka headers); empty when it has none. */
    Map<String, String> headers();

    /** 1 on the first delivery, then 2, 3, … each time the message is delivered again. */
    int attempt();

    /** Where the message came from: {@code queue:default}, {@code worker:3}, … */
    String source();

    /**
     * Sends a reply where the source carries replies (TCP).
     *
     * @throws UnsupportedOperationException where it does not
     */
    default void reply(byte[] body) {
        throw new UnsupportedOperationException("source " + source() + " carries no replies");
    }
}
