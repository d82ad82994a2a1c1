package io.procpool.internal.manager;

/**
 * One position 0..N-1 in the pool: the worker now serving it, a successor being started to
 * replace it (reload, recycle), and its restart history. Touched only by the supervisor thread.
 */
final class Slot {
    final int index;
    WorkerHandle current;
    WorkerHandle successor;
    int restarts;
    int consecutiveFailures;
    long nextStartAtMs;
    String lastExit;

    Slot(int index) {
        this.index = index;
    }

    boolean isEmpty() {
        return current == null && successor == null;
    }
}
