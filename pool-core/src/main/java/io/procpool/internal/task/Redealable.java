package io.procpool.internal.task;

import io.procpool.spi.Request;

/**
 * A request that runs again on another worker when its worker dies (a task: at least once), instead of
 * failing as a TCP request does. Called by the router, outside its lock, for each such request in flight.
 */
public interface Redealable extends Request {

    /**
     * Its worker died ({@code why}) while holding it: true to give it to another worker; false when it
     * is finished (answered already, or failed here for killing too many workers). {@code surelyRan}:
     * the worker died on its own while this was all it held, so this may have killed it, and it counts.
     */
    boolean workerDied(String why, boolean surelyRan);
}
