package io.procpool.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker's prefetch window: how many more messages its source may fetch before some of those
 * it holds are finished. The source's reader {@link #take}s room for a fetch and waits, when the
 * window is nearly full, until a whole read's worth is free (half the window at most), so that a
 * busy worker reads full batches instead of one message per finished one. Delivery threads
 * {@link #release}; only a release that makes the awaited room wakes the reader.
 */
final class Window {

    private final int size;
    private final int batch;
    /** Room a read waits for: a full batch, or half the window when that is smaller. */
    private final int readRoom;

    private final AtomicInteger free;
    /** Room taken for the fetch in progress, not yet known to be used; the reader's own. */
    private volatile int reading;
    /** The reader while it waits in {@link #take}; null otherwise. */
    private volatile Thread waiter;

    Window(int size, int batch) {
        this.size = size;
        this.batch = batch;
        this.readRoom = Math.max(1, Math.min(batch, size / 2));
        this.free = new AtomicInteger(size);
    }

    /**
     * Takes room for up to a batch, waiting up to {@code timeout} until at least a read's worth is
     * free. Returns how much it took: 0 when the time ran out. One reader thread.
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // only the reader thread writes reading; others read it
    int take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            int now = free.get();
            if (now >= readRoom) {
                int got = Math.min(now, batch);
                if (free.compareAndSet(now, now - got)) {
                    reading += got;
                    return got;
                }
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            waiter = Thread.currentThread();
            if (free.get() < readRoom) { // a release after the check above saw no waiter
                LockSupport.parkNanos(this, left);
            }
            waiter = null;
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** The fetch in progress got {@code count} messages (0: none, or it failed): the rest of its room is free again. Reader thread. */
    void fetched(int count) {
        int taken = reading;
        reading = 0;
        release(taken - count);
    }

    /** Gives back room for {@code n} messages, finished. Any thread. */
    void release(int n) {
        if (n > 0 && free.addAndGet(n) >= readRoom) {
            Thread w = waiter;
            if (w != null) {
                waiter = null; // one wake-up per wait, not one per release
                LockSupport.unpark(w);
            }
        }
    }

    /** Messages fetched and not yet finished. */
    int inFlight() {
        return size - free.get() - reading;
    }

    /** True when every message fetched so far has finished. */
    boolean idle() {
        return inFlight() == 0;
    }
}
