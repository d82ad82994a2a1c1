package io.procpool.cli;

import io.procpool.internal.ExitCode;
import io.procpool.internal.control.ControlClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pool push}: puts messages into the pool's queue: arguments, a file (one per line) or stdin ({@code -}). */
@Command(name = "push", description = "Push messages: pool push TEXT..., pool push --file F, pool push - (stdin, one per line).")
final class PushCommand implements Callable<Integer> {

    private static final int BATCH = 1000;

    @Mixin
    PoolOptions options;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = "default", description = "Queue name (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = "--file", paramLabel = "FILE", description = "Push each line of FILE as one message.")
    Path file;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Messages; '-' reads lines from stdin.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long pushed = 0;
        try (ControlClient client = ControlClient.connect(options.runDir())) {
            if (file != null) {
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    pushed += pushLines(client, r);
                }
            } else if (texts.equals(List.of("-"))) {
                pushed += pushLines(client, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            } else if (texts.isEmpty()) {
                System.err.println("pool push: nothing to push; give TEXT, --file FILE or - for stdin");
                return ExitCode.CONFIG_INVALID;
            } else {
                pushed += pushBatch(client, texts);
            }
        } catch (PushRefused e) {
            System.err.println("pool push: " + e.getMessage());
            return ExitCode.FAILED;
        }
        System.out.println("pushed " + pushed + " message(s) to queue " + queue);
        return ExitCode.OK;
    }

    private long pushLines(ControlClient client, BufferedReader r) throws IOException {
        long n = 0;
        List<String> batch = new ArrayList<>(BATCH);
        String line;
        while ((line = r.readLine()) != null) {
            batch.add(line);
            if (batch.size() == BATCH) {
                n += pushBatch(client, batch);
                batch.clear();
            }
        }
        return batch.isEmpty() ? n : n + pushBatch(client, batch);
    }

    private int pushBatch(ControlClient client, List<String> bodies) throws IOException {
        List<String> encoded = bodies.stream()
                .map(b -> Base64.getEncoder().encodeToString(b.getBytes(StandardCharsets.UTF_8))).toList();
        Map<String, Object> answer = client.call(Map.of("command", "push", "queue", queue, "bodies_base64", encoded));
        if (!Boolean.TRUE.equals(answer.get("ok"))) {
            throw new PushRefused(String.valueOf(answer.get("error")));
        }
        return bodies.size();
    }

    private static final class PushRefused extends IOException {
        PushRefused(String message) {
            super(message);
        }
    }
}
