package io.procpool.spi;

import java.util.Map;

/**
 * One message a source hands to the pool, and where its results go. The source implements it;
 * the pool calls {@link #reply} zero or more times and then exactly one of {@link #done} or
 * {@link #failed}. Those calls come from pool threads (IPC readers, delivery threads) and must
 * not block.
 */
public interface Request {

    byte[] body();

    /** What consumers see as {@code Message.id()} (a stream entry id); null for a generated one. */
    default String id() {
        return null;
    }

    /** What consumers see as {@code Message.attempt()}: 1 on the first delivery. */
    default int attempt() {
        return 1;
    }

    /** What consumers see as {@code Message.source()}, e.g. {@code tcp:127.0.0.1:50312}. */
    String source();

    default Map<String, String> headers() {
        return Map.of();
    }

    /** The consumer replied. */
    void reply(byte[] body);

    /** The consumer returned: the request is finished. */
    void done();

    /** The consumer threw after its retries, or its worker died while running it. */
    void failed(String error);

    /**
     * The consumer threw on each of its {@code tries} (retries in the worker included). A source that
     * records the count (a dead-letter header) overrides this; by default it is {@link #failed(String)}.
     */
    default void failed(String error, int tries) {
        failed(error);
    }
}
