package io.procpool.internal.worker;

import io.procpool.TaskFailedException;
import io.procpool.internal.ipc.Coalescer;
import io.procpool.internal.ipc.Tasks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A worker's tasks waiting for their results ({@code ctx.task}): gives each call an id, sends calls in
 * TASKS frames (those made together in one), and completes each future from the TASK_RESULTS the
 * manager sends back. A future that is cancelled or times out is forgotten, and its late result dropped.
 *
 * <p>Threads: consumer threads call {@link #call}; the IPC reader hands each results frame to
 * {@link #complete}, which completes the futures on a virtual thread of its own, so that what a consumer
 * chained onto a future never holds up the worker's reading of frames.
 */
final class TaskCalls {

    private static final int MAX_BATCH = 512;

    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Coalescer<Tasks.Call> out;

    /** @param send writes one TASKS frame */
    TaskCalls(Consumer<List<Tasks.Call>> send) {
        this.out = new Coalescer<>(MAX_BATCH, send);
    }

    // The future whenComplete returns only forgets the call: it can fail with nothing anyone must see.
    @SuppressWarnings("FutureReturnValueIgnored")
    CompletableFuture<byte[]> call(String group, byte[] body) {
        if (group == null) {
            throw new IllegalArgumentException("the task group must not be null (\"\" is the pool's first)");
        }
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        pending.put(id, result);
        result.whenComplete((r, e) -> pending.remove(id));
        out.add(new Tasks.Call(id, group, body.clone()));
        return result;
    }

    /** A TASK_RESULTS frame. IPC reader thread. */
    void complete(List<Tasks.Result> results) {
        Thread.ofVirtual().name("task-results").start(() -> {
            for (Tasks.Result r : results) {
                CompletableFuture<byte[]> f = pending.remove(r.id());
                if (f == null) {
                    continue; // cancelled or timed out: nobody waits for it
                }
                if (r.ok()) {
                    f.complete(r.body());
                } else {
                    f.completeExceptionally(new TaskFailedException(r.error()));
                }
            }
        });
    }
}
