package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A loop-mode test consumer (source {@code none}): slot 0 sends "ping N" to slot 1 every 50 ms
 * with {@code ctx.send}; every slot records what it receives in
 * {@code <app.record_dir>/received-<pid>.log}. The loop returns after {@code app.loops}
 * rounds (default: until stopped), so the worker exits and is replaced; with {@code app.fail: true} it throws
 * then instead of returning.
 */
public class PingLoopConsumer implements Consumer {

    @Override
    public void run(WorkerContext ctx) throws InterruptedException {
        long loops = Long.parseLong(ctx.config().getOrDefault("app.loops", String.valueOf(Long.MAX_VALUE)));
        for (long i = 0; i < loops && !ctx.isStopping(); i++) {
            if (ctx.slot() == 0) {
                ctx.send(1, ("ping " + i).getBytes(StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
        if (Boolean.parseBoolean(ctx.config().getOrDefault("app.fail", "false")) && !ctx.isStopping()) {
            throw new IllegalStateException("the loop failed, as app.fail asks");
        }
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        RecordingConsumer.append(
                Path.of(ctx.config().get("app.record_dir")).resolve("received-" + ctx.pid() + ".log"),
                message.source() + " " + message.bodyAsString() + "\n");
    }
}
