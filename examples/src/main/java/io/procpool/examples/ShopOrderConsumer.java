package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The {@code orders} group of {@code examples/shop}: takes each order from the built-in queue
 * {@code orders}, hands the invoice to the {@code tasks} group and waits for it ({@code ctx.taskWait},
 * Swoole's {@code taskwait}), and logs both; the pool acks the order when this returns. A task that
 * fails or takes over 5 s throws here, and the queue delivers the order again. One instance per
 * worker process; runs on the worker's delivery thread.
 */
public final class ShopOrderConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) throws Exception {
        byte[] invoice = ctx.taskWait(message.body(), Duration.ofSeconds(5));
        ctx.logger()
                .info(
                        "order {} handled in slot {} (pid {}): {}",
                        message.bodyAsString(),
                        ctx.slot(),
                        ctx.pid(),
                        new String(invoice, StandardCharsets.UTF_8));
    }
}
