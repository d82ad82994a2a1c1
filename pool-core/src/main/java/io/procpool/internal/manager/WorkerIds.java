package io.procpool.internal.manager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manager's worker numbers, unique across its groups, and which group's supervisor each live
 * worker belongs to: an IPC reader learns a connection's owner from the worker id in its HELLO.
 * Supervisor threads take and release numbers; IPC readers look owners up.
 */
final class WorkerIds {

    private final AtomicLong next = new AtomicLong(1);
    private final Map<Long, Supervisor> owners = new ConcurrentHashMap<>();

    /** A new worker number, owned by {@code owner} until {@link #release}. */
    long take(Supervisor owner) {
        long id = next.getAndIncrement();
        owners.put(id, owner);
        return id;
    }

    /** The supervisor of worker {@code id}, or null when no live worker has that number. */
    Supervisor owner(long id) {
        return owners.get(id);
    }

    /** Worker {@code id} has exited: its number names no one any more. */
    void release(long id) {
        owners.remove(id);
    }
}
