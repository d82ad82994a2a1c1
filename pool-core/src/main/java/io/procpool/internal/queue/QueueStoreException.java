package io.procpool.internal.queue;

/** The queue's storage cannot be used (a corrupt or foreign file, a full disk); the message says which file and why. */
public final class QueueStoreException extends RuntimeException {
    public QueueStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
