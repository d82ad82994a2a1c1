package io.procpool.testkit;

import java.util.List;

/**
 * How {@link SourceContract} reaches one source for one test: the settings of a pool on it, how to put
 * messages in, and what the source gave up on. One instance per test, made and closed on the test's
 * thread; {@link #givenUp} is called on the same thread, repeatedly, while the test waits.
 */
public interface SourceUnderTest extends AutoCloseable {

    /** How a source counts the deliveries of a message, which {@code Message.attempt()} reports. */
    enum Redelivery {
        /** Every delivery after the first, also after a killed worker, has {@code attempt()} raised. */
        COUNTED,
        /** The source keeps no delivery count: {@code attempt()} is always 1 (a Kafka consumer group). */
        UNCOUNTED,
        /**
         * Nothing is delivered twice: a message whose worker died, or that failed, is answered to its
         * producer with an error instead (a TCP request).
         */
        NEVER
    }

    /** A message the source gave up on (a dead letter, or an error answered to its producer), with its error. */
    record GivenUp(String body, String error) {}

    /**
     * Settings ({@code "key: value"}, dotted keys) of a pool on this source, over the contract's own;
     * they must make a message that keeps failing be given up after {@link #deliveries} deliveries.
     */
    List<String> settings();

    /** Puts {@code bodies} into the source for {@code pool}, which is running and READY. */
    void publish(PoolProcess pool, List<String> bodies) throws Exception;

    /** Everything given up on so far, oldest first; an empty list when nothing was. */
    List<GivenUp> givenUp() throws Exception;

    Redelivery redelivery();

    /** Deliveries of a message whose {@code onMessage} always throws before it is given up: 1 or 2. */
    int deliveries();

    /**
     * Whether a message that kills its worker on every delivery is given up (and shows in
     * {@link #givenUp}); a source without a delivery count redelivers it for ever, and says why.
     */
    default boolean givesUpAMessageThatKillsItsWorker() {
        return true;
    }

    @Override
    default void close() throws Exception {}
}
