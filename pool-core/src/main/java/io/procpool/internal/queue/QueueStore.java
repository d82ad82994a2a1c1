package io.procpool.internal.queue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the built-in queue keeps its messages. The dispatcher keeps the working set in memory
 * and tells the store every change; the store makes the changes durable (or not, for
 * {@code durability: none}). Dead letters of queue {@code q} live in queue {@code q.dead}.
 *
 * <p>Writes are applied in call order. A write that a producer waits for returns a future that
 * completes after its commit; acks and failures are not waited for (a lost ack means a
 * redelivery, which at-least-once allows). Implementations are thread-safe.
 */
public interface QueueStore extends AutoCloseable {

    /** False when nothing is kept (durability none): then acks need not be told to the store at all. */
    default boolean persistent() {
        return true;
    }

    /** The live messages (ready and delayed) of {@code queue}, in id order; called once at start. */
    List<StoredMessage> load(String queue);

    /** Messages of {@code queue} with an id above {@code id}: what other processes wrote directly. */
    List<StoredMessage> loadAfter(String queue, long id);

    /** The highest id ever given out, so that ids keep growing across restarts. */
    long maxId();

    /** Stores new messages; the future completes once they are committed. */
    CompletableFuture<Void> insert(String queue, List<StoredMessage> messages);

    /**
     * Stores {@code bodies} as new messages with consecutive ids from {@code firstId}; the
     * future completes once they are committed. The manager's push path: no object per message.
     */
    CompletableFuture<Void> insert(String queue, long firstId, Bodies bodies, long deliverAtMs);

    /** Forgets acked (or purged) messages. */
    void delete(IdRanges ids);

    /** Records a failed delivery and when the message may be delivered again. */
    void recordFailure(long id, int failures, String error, long deliverAtMs);

    /** Moves a message (with its final failure count and error) to the dead letters of {@code queue}. */
    void moveToDead(String queue, StoredMessage message);

    /** Live and dead counts of {@code queue}. */
    Counts counts(String queue);

    /** Up to {@code limit} messages of {@code queue} (use {@code q.dead} for dead letters), in id order. */
    List<StoredMessage> peek(String queue, int limit);

    /** Moves every dead letter of {@code queue} back to it with the failure count reset; returns the moved messages. */
    List<StoredMessage> requeueDead(String queue);

    /** Deletes every message of {@code queue} (live, not dead); returns how many. */
    int purge(String queue);

    @Override
    void close();

    /** Message counts of one queue. */
    record Counts(long live, long dead) {}

    static String deadQueue(String queue) {
        return queue + ".dead";
    }
}
