package io.procpool.examples;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;

/**
 * The demo consumer: logs each message it gets with its slot and pid. One instance per worker
 * process; {@code onMessage} runs on the worker's delivery thread.
 */
public final class GreetingConsumer implements Consumer {

    @Override
    public void onStart(WorkerContext ctx) {
        ctx.logger().info("worker in slot {} (pid {}) is ready", ctx.slot(), ctx.pid());
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        ctx.logger()
                .info("hello, {} (message {}, attempt {})", message.bodyAsString(), message.id(), message.attempt());
    }

    @Override
    public void onStop(WorkerContext ctx) {
        ctx.logger().info("worker in slot {} is stopping", ctx.slot());
    }
}
