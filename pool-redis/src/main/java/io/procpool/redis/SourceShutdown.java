package io.procpool.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;

/**
 * The end of a Redis source, in the order that loses nothing: the last acks leave, the reading
 * thread ends, then the connections close. Called once, from the worker's closing thread.
 */
final class SourceShutdown {

    private SourceShutdown() {}

    /** Closes the connections that are open (null: never opened), ignoring errors: a failed connect's clean-up. */
    static void closeQuietly(StatefulConnection<?, ?>... connections) {
        for (StatefulConnection<?, ?> c : connections) {
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    // it was not usable anyway
                }
            }
        }
    }

    /** Any argument may be null (a source that never started). Waits 3 s at most for each of acks and reader. */
    static void close(AckBatcher<?> acks, Thread reader, RedisClient client) {
        if (acks != null) {
            acks.close();
        }
        if (reader != null) {
            try {
                reader.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            client.shutdown();
        }
    }
}
