package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.lang.management.ManagementFactory;

/**
 * A user process, Swoole's {@code Process\Manager::add} or {@code Server::addProcess}: no messages, a loop
 * of its own that the pool keeps alive, restarted when it dies, with the crash-loop backoff when it keeps
 * dying. This one reports every {@code app.interval_ms} (default 5000) how long it has run and its heap;
 * a real one would ship figures somewhere. Its loop runs on the worker's main thread.
 */
public final class ReporterProcess implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        ctx.logger().info("reporter got a message from {}: {}", message.source(), message.bodyAsString());
    }

    @Override
    public void run(WorkerContext ctx) throws InterruptedException {
        long intervalMs = Long.parseLong(ctx.config().getOrDefault("app.interval_ms", "5000"));
        long reports = 0;
        while (!ctx.isStopping()) {
            Runtime rt = Runtime.getRuntime();
            ctx.logger()
                    .info(
                            "report {} from pid {}: up {} ms, heap {} MiB used",
                            ++reports,
                            ctx.pid(),
                            ManagementFactory.getRuntimeMXBean().getUptime(),
                            (rt.totalMemory() - rt.freeMemory()) >> 20);
            long until = System.nanoTime() + intervalMs * 1_000_000;
            while (!ctx.isStopping() && System.nanoTime() < until) {
                Thread.sleep(Math.min(50, intervalMs)); // wakes to see a stop within 50 ms
            }
        }
    }
}
