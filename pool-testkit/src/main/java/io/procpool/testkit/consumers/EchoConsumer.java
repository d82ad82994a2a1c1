package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A test consumer for sources with replies (TCP): replies with the body it got. A body
 * starting with {@code twice:} gets two replies; one starting with {@code crash} halts the worker
 * (exit code 42); one starting with {@code fail} throws; one starting with {@code reply-then-fail} replies, then throws. {@code app.jitter_us} makes each message
 * take a random time up to that long, so that with {@code concurrency} &gt; 1 or several workers
 * requests finish out of order.
 */
public class EchoConsumer implements Consumer {

    private long jitterMicros;

    @Override
    public void onStart(WorkerContext ctx) {
        jitterMicros = Long.parseLong(ctx.config().getOrDefault("app.jitter_us", "0"));
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        if (jitterMicros > 0) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(jitterMicros) * 1000);
        }
        String body = message.bodyAsString();
        if (body.startsWith("crash")) {
            Runtime.getRuntime().halt(42);
        }
        if (body.startsWith("reply-then-fail")) {
            message.reply(message.body());
            throw new IllegalStateException("failed after replying: " + body);
        }
        if (body.startsWith("fail")) {
            throw new IllegalStateException("asked to fail: " + body);
        }
        message.reply(message.body());
        if (body.startsWith("twice:")) {
            message.reply(message.body());
        }
    }
}
