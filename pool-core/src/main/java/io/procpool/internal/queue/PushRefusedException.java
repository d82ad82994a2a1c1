package io.procpool.internal.queue;

/** A push the queue cannot take now (full, too large, another queue); the message says why and nothing was added. */
public final class PushRefusedException extends Exception {
    public PushRefusedException(String message) {
        super(message);
    }
}
