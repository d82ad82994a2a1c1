package io.procpool.internal.manager;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rolling reload: one slot at a time, a successor is started and, once it is READY, the slot's old
 * worker is retired; then the next slot. So the pool never drops below N-1 ready workers. A successor
 * that dies ends its slot's turn (the old worker keeps running), and so does the slot's removal by a
 * scale-down. Supervisor thread only.
 */
final class RollingReload {

    private static final Logger log = LoggerFactory.getLogger(RollingReload.class);

    private final Deque<Integer> waiting = new ArrayDeque<>();
    /** The slot whose successor is starting, or -1. */
    private int current = -1;

    /** Reloads slots 0..{@code workers}-1, in order; a reload already going starts over. */
    void start(int workers) {
        waiting.clear();
        for (int i = 0; i < workers; i++) {
            waiting.add(i);
        }
        log.info("rolling reload of {} worker(s)", workers);
    }

    /** A stop began: no slot is reloaded any more. */
    void cancel() {
        waiting.clear();
    }

    boolean active() {
        return current != -1 || !waiting.isEmpty();
    }

    /**
     * Starts the next slot's successor when no slot is being reloaded; {@code spawn} launches one (null
     * when it could not). A slot that is empty, or already has a successor, is passed over: it starts with
     * the new configuration anyway.
     */
    void advance(WorkerTable table, Function<Slot, WorkerHandle> spawn) {
        while (current == -1 && !waiting.isEmpty()) {
            Slot slot = table.slots().get(waiting.poll());
            if (slot == null || slot.current == null || slot.successor != null) {
                continue;
            }
            slot.successor = spawn.apply(slot);
            if (slot.successor != null) {
                current = slot.index;
            }
        }
    }

    /** The successor of {@code slot} is READY and took over: that slot is done. True when it was the one reloading. */
    boolean successorReady(Slot slot) {
        if (current != slot.index) {
            return false;
        }
        current = -1;
        return true;
    }

    /** The successor of {@code slot} died before it was READY: that slot's reload failed, the old worker stays. */
    void successorDied(Slot slot, String how) {
        if (current == slot.index) {
            current = -1;
            log.warn("reload of slot {} failed: its new worker {}; the old worker keeps running", slot.index, how);
        }
    }

    /** {@code slot} was scaled away: a reload of it is over, and the next slot goes on. */
    void slotRemoved(Slot slot) {
        if (current == slot.index) {
            current = -1;
        }
    }
}
