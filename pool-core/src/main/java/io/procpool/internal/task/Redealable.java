package io.procpool.internal.task;

import io.procpool.spi.Request;

/**
 * A request that runs again on another worker when its worker dies (a task: at least once), instead of
 * failing as a TCP request does. Called by the router, outside its lock, for each such request in flight.
 */
public interface Redealable extends Request {

    /**
     * Its worker died ({@code why}) while it ran: true to give it to another worker; false when it is
     * finished (answered already, or failed here for dying on too many deliveries).
     */
    boolean workerDied(String why);
}
