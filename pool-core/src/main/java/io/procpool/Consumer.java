package io.procpool;

/**
 * The user's code: one instance per worker process, created by the worker with its public
 * no-argument constructor.
 *
 * <p>Message mode (every source but {@code none}): {@link #onMessage} is called for each
 * message; returning acks it, throwing fails it (it is retried or dead-lettered by the
 * source's rules). With {@code concurrency: 1} calls come one at a time on one thread; with
 * {@code concurrency: K} up to K calls run at once on virtual threads.
 *
 * <p>Loop mode (source {@code none}, Swoole's IPC_NONE): override {@link #run}; it is the
 * worker's loop. When it returns the worker exits and the manager starts a new one in the
 * same slot. {@link WorkerContext#isStopping()} turns true when the pool asks it to stop.
 */
public interface Consumer {

    /** Called once in the worker before any message; a throw here fails the worker's start. */
    default void onStart(WorkerContext ctx) throws Exception {}

    /** Handles one message: return to ack it, throw to fail it. */
    void onMessage(Message message, WorkerContext ctx) throws Exception;

    /**
     * Loop mode: the worker's own loop, used when the source is {@code none}. The default
     * waits until the pool stops the worker, so a message-only consumer still receives
     * worker-to-worker messages in loop mode.
     */
    default void run(WorkerContext ctx) throws Exception {
        while (!ctx.isStopping()) {
            Thread.sleep(50);
        }
    }

    /** Called once when the worker stops gracefully, after in-flight messages finished. */
    default void onStop(WorkerContext ctx) throws Exception {}
}
