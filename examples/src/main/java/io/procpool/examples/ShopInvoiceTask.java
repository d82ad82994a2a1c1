package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.nio.charset.StandardCharsets;

/**
 * The {@code tasks} group of {@code examples/shop}, its task workers: makes the invoice of the order each
 * task carries and replies with it ({@code message.reply}, Swoole's {@code finish}), which completes the
 * waiting order worker's {@code ctx.taskWait}. One instance per task worker process; runs on its delivery
 * thread.
 */
public final class ShopInvoiceTask implements Consumer {

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        String order = message.bodyAsString();
        String invoice = "invoice " + Integer.toHexString(order.hashCode()) + " for " + order + " by task worker "
                + ctx.slot() + " (pid " + ctx.pid() + ")";
        message.reply(invoice.getBytes(StandardCharsets.UTF_8));
    }
}
