package io.procpool;

import java.util.Map;
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

    /** A logger whose lines the manager tags with {@code [worker-<slot>]}. */
    Logger logger();
}
