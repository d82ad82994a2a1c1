package io.procpool;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * What a consumer can see and do inside its worker process. One per worker; every method is
 * safe to call from any thread of that worker.
 */
public interface WorkerContext {

    /** The worker's slot, 0..N-1: stable across restarts of that slot. */
    int slot();

    /** This worker process's pid. */
    long pid();

    /**
     * The pool's configuration as it was given (file, environment, flags), flattened to dotted keys
     * ({@code source.type}, {@code app.greeting}), with the consumer class, {@code concurrency},
     * {@code source.type} and the {@code retry.*} settings always present. Unmodifiable.
     */
    Map<String, String> config();

    /** True once the pool has asked this worker to stop (graceful stop, reload, recycle). */
    boolean isStopping();

    /**
     * Sends bytes to the worker in {@code slot}; its consumer gets them in {@code onMessage}
     * with source {@code worker:<this slot>}. At most once: a message to a slot that is down
     * or restarting is dropped and counted by the manager.
     */
    void send(int slot, byte[] body);

    /**
     * Pushes a message into the pool's built-in queue (fire and forget: a push the queue refuses,
     * full or too large, is logged by the manager).
     *
     * @throws IllegalStateException when the pool's source is not the built-in queue
     * @throws IllegalArgumentException when {@code queue} is not the queue the pool serves
     */
    void push(String queue, byte[] body);

    /**
     * Sends a task to the pool's task group (the first group whose source is {@code type: task}): one
     * of its workers runs it in {@code onMessage}, and the future completes with the first reply its
     * consumer gives ({@link Message#reply}), with an empty array when it returns without replying, or
     * exceptionally with a {@link TaskFailedException} when it throws after its retries, when the
     * group has no READY worker or is stopping (at once), or when the pool has no task group. A task
     * whose task worker dies runs again on another (at least once; {@link Message#attempt()} counts),
     * up to the group's {@code source.max_deliveries}. Never blocks: tasks sent together travel in
     * one frame.
     */
    default CompletableFuture<byte[]> task(byte[] body) {
        return task("", body);
    }

    /**
     * {@link #task(byte[])} to the task group named {@code group}; {@code ""} is the pool's first
     * task group.
     */
    CompletableFuture<byte[]> task(String group, byte[] body);

    /**
     * Sends a task to the pool's task group and waits at most {@code timeout} for its result. The
     * wait ends at the timeout; the task itself is not called back and may still run.
     *
     * @throws TaskFailedException when the task failed (see {@link #task(byte[])})
     * @throws TimeoutException when no result came within {@code timeout}
     */
    default byte[] taskWait(byte[] body, Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<byte[]> result = task(body);
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof TaskFailedException failed
                    ? failed
                    : new TaskFailedException(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            result.cancel(false); // a late result is dropped, not kept for a caller that stopped waiting
            throw new TimeoutException("no task result within " + timeout);
        }
    }

    /** A logger whose lines the manager tags with {@code [worker-<slot>]}. */
    Logger logger();
}
