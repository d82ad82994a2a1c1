package io.procpool;

/**
 * A task sent with {@link WorkerContext#task} did not give a result: its consumer threw after its
 * retries, its task worker died on each of its deliveries, or the task group could not take it (no
 * READY worker, stopping, no such group). The message says which. Immutable.
 */
public final class TaskFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskFailedException(String message) {
        super(message);
    }
}
