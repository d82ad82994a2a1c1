package io.procpool.internal.manager;

import io.procpool.internal.ipc.Deliveries;
import io.procpool.internal.ipc.Deliveries.Delivery;
import io.procpool.internal.ipc.FrameType;
import io.procpool.internal.ipc.IpcConnection;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Worker-to-worker messages ({@code ctx.send(slot, bytes)}), whatever the pool's source: which
 * worker takes the sends of each slot (the READY one that is not stopping), and delivery to it,
 * at most once. A send to a slot with no such worker (down, restarting, stopping) is dropped and
 * counted, and so is one whose write fails.
 *
 * <p>Threads: the supervisor thread opens and closes slots; IPC reader threads call {@link #send};
 * the status reads {@link #dropped} from the supervisor thread. The table is a concurrent map.
 */
final class Mailbox {

    /** The worker that takes a slot's sends, and its connection. */
    private record Recipient(long workerId, IpcConnection connection) {}

    private final Map<Integer, Recipient> bySlot = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Worker {@code workerId} is READY in {@code slot}: from now on it takes that slot's sends. Supervisor thread. */
    void open(long workerId, int slot, IpcConnection connection) {
        bySlot.put(slot, new Recipient(workerId, connection));
    }

    /** Worker {@code workerId} stops taking sends (it is stopping, recycling or gone). Supervisor thread. */
    void close(long workerId, int slot) {
        bySlot.computeIfPresent(slot, (s, r) -> r.workerId() == workerId ? null : r);
    }

    /** Delivers {@code body} from {@code fromSlot} to the worker of {@code slot}, or drops and counts it. IPC reader thread. */
    void send(int fromSlot, int slot, byte[] body) {
        Recipient r = bySlot.get(slot);
        if (r == null) {
            dropped.incrementAndGet();
            return;
        }
        Delivery d = new Delivery(-1, "send-" + System.nanoTime(), 1, "worker:" + fromSlot, Map.of(), body);
        try {
            r.connection().send(FrameType.DELIVER, new Deliveries.Deliver(List.of(d)).encode());
            delivered.incrementAndGet();
        } catch (IOException e) {
            dropped.incrementAndGet(); // the worker is dying
        }
    }

    long delivered() {
        return delivered.get();
    }

    long dropped() {
        return dropped.get();
    }
}
