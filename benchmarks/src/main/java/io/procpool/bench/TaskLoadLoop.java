package io.procpool.bench;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The task benchmark's caller, a loop-mode worker: keeps {@code app.window} tasks of 64 B in flight to
 * the pool's task group until its worker stops, as fast as their results come back. {@code app.window: 0}
 * makes it call {@code ctx.task(body).get()} on {@code app.threads} virtual threads instead, the way a
 * consumer waits for its task.
 */
public final class TaskLoadLoop implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        throw new UnsupportedOperationException("a loop consumer: source type none");
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed task only slows the load, and the pool counts it
    public void run(WorkerContext ctx) throws Exception {
        int window = Integer.parseInt(ctx.config().getOrDefault("app.window", "512"));
        byte[] body = new byte[64];
        if (window == 0) {
            int threads = Integer.parseInt(ctx.config().getOrDefault("app.threads", "64"));
            Thread[] callers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                callers[i] = Thread.ofVirtual().start(() -> {
                    while (!ctx.isStopping()) {
                        try {
                            ctx.task(body).get(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            for (Thread t : callers) {
                t.join();
            }
            return;
        }
        Semaphore inFlight = new Semaphore(window);
        while (!ctx.isStopping()) {
            if (inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                ctx.task(body).whenComplete((reply, e) -> inFlight.release());
            }
        }
    }
}
