package io.procpool.cli;

import io.procpool.QueueClient;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.PoolConfig;
import io.procpool.internal.config.Units;
import io.procpool.internal.control.ControlClient;
import io.procpool.internal.queue.QueueStore;
import io.procpool.internal.queue.StoredMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pool push}: puts messages into the pool's queue: arguments, a file (one per line) or
 * stdin ({@code -}). A running pool takes them through its manager (confirmed after commit);
 * a stopped pool's database takes them directly, and they wait there for the next start.
 */
@Command(
        name = "push",
        description = "Push messages: pool push TEXT..., pool push --file F, pool push - (stdin, one per line).")
final class PushCommand implements Callable<Integer> {

    private static final int BATCH = 1000;

    @Mixin
    PoolOptions options;

    @Option(
            names = "--queue",
            paramLabel = "NAME",
            description = "Queue name (default: the pool's source.queue, else default).")
    String queue;

    @Option(names = "--delay", paramLabel = "DURATION", description = "Deliver no sooner than this from now (5s, 2m).")
    String delay;

    @Option(
            names = "--at",
            paramLabel = "INSTANT",
            description = "Deliver no sooner than this time (2026-11-27T14:00:00Z).")
    String at;

    @Option(names = "--file", paramLabel = "FILE", description = "Push each line of FILE as one message.")
    Path file;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Messages; '-' reads lines from stdin.")
    List<String> texts = new ArrayList<>();

    private long delayMs;
    private Progress progress = Progress.NONE;

    @Override
    public Integer call() throws Exception {
        try {
            delayMs = delayMs();
        } catch (IllegalArgumentException | DateTimeParseException e) {
            System.err.println("pool push: " + e.getMessage());
            return ExitCode.CONFIG_INVALID;
        }
        if (file == null && texts.isEmpty()) {
            System.err.println("pool push: nothing to push; give TEXT, --file FILE or - for stdin");
            return ExitCode.CONFIG_INVALID;
        }
        if (file != null && Terminal.attached()) {
            progress = new Progress(countLines(file));
        }
        Result result = QueueAccess.run(options, queue, this::pushViaPool, this::pushDirect);
        progress.done();
        if (result.error != null) {
            System.err.println("pool push: " + result.error
                    + (result.count > 0 ? " (" + result.count + " message(s) before it were pushed)" : ""));
            return ExitCode.FAILED;
        }
        System.out.println("pushed " + result.count + " message(s) to queue " + result.queue + result.where);
        return ExitCode.OK;
    }

    private long delayMs() {
        if (delay != null && at != null) {
            throw new IllegalArgumentException("give --delay or --at, not both");
        }
        if (delay != null) {
            try {
                return Units.parseDuration(delay).toMillis();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--delay " + e.getMessage() + ", but was \"" + delay + "\"");
            }
        }
        if (at != null) {
            return Math.max(0, Instant.parse(at).toEpochMilli() - System.currentTimeMillis());
        }
        return 0;
    }

    /** What was pushed, or the error that stopped it. */
    private record Result(long count, String queue, String where, String error) {}

    /** Source of the lines to push, in batches. */
    private interface BatchSink {
        /** Pushes one batch; returns an error, or null. */
        String push(List<String> batch) throws IOException;
    }

    /** Batches a confirmation may lag behind: enough to keep the manager's group commit busy. */
    private static final int IN_FLIGHT = 8;

    private Result pushViaPool(ControlClient control) throws IOException {
        Map<String, Object> stats = control.call(
                queue == null ? Map.of("command", "queue_stats") : Map.of("command", "queue_stats", "queue", queue));
        if (!Boolean.TRUE.equals(stats.get("ok"))) {
            return new Result(0, queue, "", String.valueOf(stats.get("error"))); // no built-in queue in this pool
        }
        String name = queue != null
                ? queue
                : stats.get("queue") instanceof Map<?, ?> m && m.get("name") != null
                        ? String.valueOf(m.get("name"))
                        : "default";
        // Binary and pipelined over queue.sock: up to IN_FLIGHT batches await their commit at once.
        try (QueueClient client = QueueClient.connect(options.runDir())) {
            java.util.ArrayDeque<CompletableFuture<List<String>>> inFlight = new java.util.ArrayDeque<>();
            Result r = feed(name, "", batch -> {
                String error = null;
                while (inFlight.size() >= IN_FLIGHT && error == null) {
                    error = errorOf(inFlight.poll());
                }
                if (error != null) {
                    return error;
                }
                List<byte[]> bodies = batch.stream()
                        .map(t -> t.getBytes(StandardCharsets.UTF_8))
                        .toList();
                inFlight.add(client.pushAsync(name, bodies, Duration.ofMillis(delayMs)));
                return null;
            });
            String error = null;
            while (!inFlight.isEmpty()) {
                String e = errorOf(inFlight.poll());
                error = error == null ? e : error;
            }
            return error == null ? r : new Result(r.count(), name, "", error);
        }
    }

    private static String errorOf(CompletableFuture<List<String>> f) {
        try {
            f.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause().getMessage();
        }
    }

    private Result pushDirect(QueueStore store, PoolConfig config) throws IOException {
        String name = queue != null ? queue : config.queueName();
        long deliverAt = delayMs > 0 ? System.currentTimeMillis() + delayMs : 0;
        long maxBytes = config.queue().maxMessageBytes();
        long maxLength = config.queue().maxLength();
        long[] live = {store.counts(name).live()};
        return feed(name, " (the pool is not running: they wait in " + config.queueDatabase() + ")", batch -> {
            if (maxLength > 0 && live[0] + batch.size() > maxLength) {
                return "queue " + name + " is full (source.max_length " + maxLength
                        + ") and no pool is running to drain it";
            }
            List<StoredMessage> messages = new ArrayList<>(batch.size());
            for (String text : batch) {
                byte[] body = text.getBytes(StandardCharsets.UTF_8);
                if (body.length > maxBytes) {
                    return "a message of " + body.length + " bytes is over source.max_message_bytes (" + maxBytes + ")";
                }
                messages.add(new StoredMessage(0, body, 0, deliverAt, null));
            }
            store.insert(name, messages).join();
            live[0] += batch.size();
            return null;
        });
    }

    private Result feed(String name, String where, BatchSink sink) throws IOException {
        if (file != null) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return feedLines(name, where, r, sink);
            }
        }
        if (texts.equals(List.of("-"))) {
            return feedLines(
                    name, where, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), sink);
        }
        String error = sink.push(texts);
        return new Result(error == null ? texts.size() : 0, name, where, error);
    }

    private Result feedLines(String name, String where, BufferedReader r, BatchSink sink) throws IOException {
        long n = 0;
        List<String> batch = new ArrayList<>(BATCH);
        String line;
        while ((line = r.readLine()) != null) {
            batch.add(line);
            if (batch.size() == BATCH) {
                String error = sink.push(batch);
                if (error != null) {
                    return new Result(n, name, where, error);
                }
                n += batch.size();
                progress.update(n);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            String error = sink.push(batch);
            if (error != null) {
                return new Result(n, name, where, error);
            }
            n += batch.size();
        }
        progress.update(n);
        return new Result(n, name, where, null);
    }

    private static long countLines(Path f) throws IOException {
        try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }

    /** A one-line progress bar on the terminal (stderr), redrawn at most ten times a second. */
    private static class Progress {
        static final Progress NONE = new Progress(0) {
            @Override
            void update(long n) {}

            @Override
            void done() {}
        };

        private final long total;
        private final long startNanos = System.nanoTime();
        private long lastDrawNanos;

        Progress(long total) {
            this.total = total;
        }

        void update(long n) {
            long now = System.nanoTime();
            if (now - lastDrawNanos < 100_000_000L && n < total) {
                return;
            }
            lastDrawNanos = now;
            int width = 30;
            int filled = total == 0 ? width : (int) (width * n / total);
            double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
            System.err.printf(
                    "\r[%s%s] %d/%d lines %3d%%  %.0f msg/s",
                    "#".repeat(filled),
                    " ".repeat(width - filled),
                    n,
                    total,
                    total == 0 ? 100 : 100 * n / total,
                    n / seconds);
            System.err.flush();
        }

        void done() {
            System.err.println();
        }
    }
}
