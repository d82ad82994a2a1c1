package io.procpool.internal.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Batches items into frames without a thread of its own: the thread that finds no send under way sends
 * what is queued, and keeps sending what others queue meanwhile; the others only queue. Idle, an item
 * goes out at once; busy, one frame carries what piled up during the last write. Any thread.
 *
 * @param <T> what one frame carries a list of
 */
public final class Coalescer<T> {

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final int maxBatch;
    private final Consumer<List<T>> send;

    /** {@code send} writes one frame of at most {@code maxBatch} items; it is never called by two threads at once. */
    public Coalescer(int maxBatch, Consumer<List<T>> send) {
        this.maxBatch = maxBatch;
        this.send = send;
    }

    /** The coalescers that items were added to inside {@link #batching} on this thread, or null outside it. */
    private static final ThreadLocal<List<Coalescer<?>>> HELD = new ThreadLocal<>();

    /**
     * Runs {@code work} holding back what it adds to any coalescer on this thread, and sends it when the
     * work is done: one frame per coalescer for what a whole incoming frame produced (the results of a
     * REPLIES frame of 300 tasks from many callers go out as one frame per caller, not 300).
     */
    public static void batching(Runnable work) {
        if (HELD.get() != null) {
            work.run();
            return;
        }
        List<Coalescer<?>> held = new ArrayList<>(4);
        HELD.set(held);
        try {
            work.run();
        } finally {
            HELD.remove();
            for (Coalescer<?> c : held) {
                c.drain();
            }
        }
    }

    public void add(T item) {
        queue.add(item);
        if (!held()) {
            drain();
        }
    }

    public void addAll(List<T> items) {
        queue.addAll(items);
        if (!held()) {
            drain();
        }
    }

    /** Inside {@link #batching} on this thread: remembers this coalescer to be sent at its end. */
    private boolean held() {
        List<Coalescer<?>> held = HELD.get();
        if (held == null) {
            return false;
        }
        for (Coalescer<?> c : held) {
            if (c == this) {
                return true;
            }
        }
        held.add(this);
        return true;
    }

    private void drain() {
        // Checked again after each release: an item queued while this thread sent is not left behind.
        while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
            try {
                List<T> batch = new ArrayList<>(Math.min(maxBatch, 64));
                T item;
                while (batch.size() < maxBatch && (item = queue.poll()) != null) {
                    batch.add(item);
                }
                if (!batch.isEmpty()) {
                    send.accept(batch);
                }
            } finally {
                sending.set(false);
            }
        }
    }
}
