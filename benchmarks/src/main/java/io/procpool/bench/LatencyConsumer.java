package io.procpool.bench;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records push-to-onMessage latency: the body starts with the producer's {@code System.nanoTime()}
 * (CLOCK_MONOTONIC on Linux, one clock for every process of the machine), then a byte that is
 * 1 for warm-up messages, which are not recorded. Latencies go to
 * {@code <app.out_dir>/latency-<pid>.txt} when the worker stops. One thread (concurrency 1).
 */
public final class LatencyConsumer implements Consumer {

    private long[] samples = new long[1 << 20];
    private int count;

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        ByteBuffer body = ByteBuffer.wrap(message.body());
        long sent = body.getLong();
        boolean warmUp = body.get() == 1;
        if (!warmUp && count < samples.length) {
            samples[count++] = System.nanoTime() - sent;
        }
    }

    @Override
    public void onStop(WorkerContext ctx) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(samples[i]).append('\n');
        }
        Path dir = Path.of(ctx.config().get("app.out_dir"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("latency-" + ctx.pid() + ".txt"), b);
    }
}
