package io.procpool.internal.queue;

/**
 * One message as the queue stores it. Immutable.
 *
 * @param id the queue-wide sequence number, also the message id consumers see
 * @param failures deliveries that ended in a failure (or, after a manager crash, were not acked)
 * @param deliverAtMs epoch millis before which it is not delivered (0: at once)
 * @param lastError the error of its last failed delivery, or null
 */
public record StoredMessage(long id, byte[] body, int failures, long deliverAtMs, String lastError) {

    public StoredMessage withFailure(int failures, String error, long deliverAtMs) {
        return new StoredMessage(id, body, failures, deliverAtMs, error);
    }
}
