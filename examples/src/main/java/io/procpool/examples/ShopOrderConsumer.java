package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * The {@code orders} group of {@code examples/shop}: takes each order from the built-in queue
 * {@code orders} and logs it; the pool acks it when this returns. One instance per worker process;
 * runs on the worker's delivery thread.
 */
public final class ShopOrderConsumer implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        ctx.logger().info("order {} handled in slot {} (pid {})", message.bodyAsString(), ctx.slot(), ctx.pid());
    }
}
