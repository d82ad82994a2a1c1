package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * A test task worker: replies {@code done:<body>} to each task; a body starting with {@code fail} throws,
 * one starting with {@code crash} halts its worker, one starting with {@code source} is answered with
 * {@code done:<message.source()>:<attempt>}, one starting with {@code slow} takes 10 s, and
 * {@code app.sleep_ms} makes every task take that long.
 */
public class TaskReplyConsumer implements Consumer {

    private long sleepMs;

    @Override
    public void onStart(WorkerContext ctx) {
        sleepMs = Long.parseLong(ctx.config().getOrDefault("app.sleep_ms", "0"));
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        String body = message.bodyAsString();
        if (body.startsWith("crash")) {
            Runtime.getRuntime().halt(42); // a task that takes its task worker down with it
        }
        if (body.startsWith("source")) {
            message.reply(("done:" + message.source() + ":" + message.attempt()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (body.startsWith("fail")) {
            throw new IllegalStateException("task " + body + " cannot be done");
        }
        long ms = body.startsWith("slow") ? 10_000 : sleepMs;
        if (ms > 0) {
            LockSupport.parkNanos(ms * 1_000_000);
        }
        message.reply(("done:" + body).getBytes(StandardCharsets.UTF_8));
    }
}
