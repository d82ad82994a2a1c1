package io.procpool.testkit.consumers;

import io.procpool.Consumer;
import io.procpool.Message;
import io.procpool.WorkerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A test consumer that writes what happens to it under {@code app.record_dir}: one line
 * {@code <slot> <pid> <message id> <attempt> <epoch ms> <body>} per processed message in
 * {@code processed-<pid>.log}, a file {@code started-<pid>} / {@code stopped-<pid>} for
 * {@code onStart} / {@code onStop}, and the keys of {@code ctx.config()} in {@code config-<pid>}. A body {@code push:X} also pushes {@code X} into queue
 * {@code default} with {@code ctx.push}; a body {@code send:<slot>:<text>} sends {@code <text>} to the
 * worker of that slot with {@code ctx.send}; a body starting with {@code crash} halts the worker (exit
 * code 42); a body starting with {@code poison} throws every time
 * (each try is a line in {@code tries-<pid>.log}); a body starting with {@code headers} also writes
 * {@code <body> <headers, sorted>} to {@code headers-<pid>.log}; a body starting with {@code flaky}
 * throws the first time the record directory sees it, and succeeds after; a body {@code grow:<MiB>} allocates that
 * much memory and keeps it. {@code app.start_sleep_ms} makes {@code onStart} take that long. {@code app.sleep_ms}
 * (or {@code app.sleep_us}) makes each message take that long
 * (uninterruptibly, like a consumer stuck in a slow call). One file per process, so workers
 * never share a writer.
 */
public class RecordingConsumer implements Consumer {

    /** What {@code grow:<MiB>} bodies allocated: kept, so that the worker's RSS stays up. */
    private static final java.util.List<byte[]> GROWN = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Path dir;
    private long sleepMs;
    private long sleepMicros;

    @Override
    public void onStart(WorkerContext ctx) throws IOException {
        dir = Path.of(ctx.config().get("app.record_dir"));
        sleepMs = Long.parseLong(ctx.config().getOrDefault("app.sleep_ms", "0"));
        sleepMicros = Long.parseLong(ctx.config().getOrDefault("app.sleep_us", "0"));
        sleepUninterruptibly(Long.parseLong(ctx.config().getOrDefault("app.start_sleep_ms", "0")));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("started-" + ctx.pid()), ctx.slot() + "\n");
        System.out.println("recording consumer of slot " + ctx.slot() + " started"); // stdout, which the manager tags
        System.err.println("recording consumer of slot " + ctx.slot() + " writes to stderr too");
        Files.writeString(
                dir.resolve("config-" + ctx.pid()),
                String.join("\n", new java.util.TreeSet<>(ctx.config().keySet())) + "\n");
    }

    @Override
    public void onMessage(Message message, WorkerContext ctx) {
        sleepUninterruptibly(sleepMs);
        if (sleepMicros > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(sleepMicros * 1000);
        }
        String body = message.bodyAsString();
        if (body.startsWith("crash")) {
            Runtime.getRuntime().halt(42); // a message that takes its worker down with it
        }
        if (body.startsWith("poison")) {
            append(dir.resolve("tries-" + ctx.pid() + ".log"), message.id() + " " + message.attempt() + "\n");
            throw new IllegalStateException("cannot process " + body);
        }
        if (body.startsWith("flaky") && Files.notExists(dir.resolve(body + ".failed"))) {
            append(dir.resolve(body + ".failed"), "\n");
            throw new IllegalStateException("flaky " + body + " fails once");
        }
        if (body.startsWith("headers")) {
            append(
                    dir.resolve("headers-" + ctx.pid() + ".log"),
                    body + " " + new java.util.TreeMap<>(message.headers()) + "\n");
        }
        if (body.startsWith("grow:")) { // grow:<MiB> allocates that much and keeps it
            for (int i = 0; i < Integer.parseInt(body.substring("grow:".length())); i++) {
                byte[] mib = new byte[1 << 20];
                for (int b = 0; b < mib.length; b += 4096) {
                    mib[b] = 1; // touched, so resident
                }
                GROWN.add(mib);
            }
        }
        if (body.startsWith("send:")) { // send:<slot>:<text> sends <text> to the worker of <slot>
            String[] parts = body.split(":", 3);
            ctx.send(Integer.parseInt(parts[1]), parts[2].getBytes(StandardCharsets.UTF_8));
        }
        if (body.startsWith("push:")) {
            ctx.push("default", body.substring("push:".length()).getBytes(StandardCharsets.UTF_8));
        }
        append(
                dir.resolve("processed-" + ctx.pid() + ".log"),
                ctx.slot() + " " + ctx.pid() + " " + message.id() + " " + message.attempt() + " "
                        + System.currentTimeMillis() + " " + body + "\n");
    }

    @Override
    public void onStop(WorkerContext ctx) throws IOException {
        Files.writeString(dir.resolve("stopped-" + ctx.pid()), ctx.slot() + "\n");
    }

    static void append(Path file, String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleepUninterruptibly(long ms) {
        long deadline = System.currentTimeMillis() + ms;
        long left;
        while ((left = deadline - System.currentTimeMillis()) > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                // keep sleeping: this consumer plays one that ignores being asked to stop
            }
        }
    }
}
