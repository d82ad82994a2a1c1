package io.procpool.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the testkit's {@code RecordingConsumer}s wrote under their {@code app.record_dir}: the lines of
 * one kind of file, the processed lines, the bodies processed, and a bounded wait for them. The one
 * place tests read recorded output from. Stateless; any thread.
 */
public final class RecordedOutput {

    private RecordedOutput() {}

    /**
     * Complete lines of every file under {@code recordDir} whose name starts with {@code prefix}. A last
     * line without its newline is left out: a worker is writing it right now, or was killed while
     * writing it (its message was not acked then, and is recorded again by the worker that gets it).
     */
    public static List<String> lines(Path recordDir, String prefix) throws IOException {
        if (!Files.isDirectory(recordDir)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(recordDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted()
                    .toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                if (end > 0) {
                    lines.addAll(List.of(text.substring(0, end).split("\n", -1)));
                }
            }
        }
        return lines;
    }

    /**
     * Every processed line ({@code <slot> <pid> <message id> <attempt> <epoch ms> <body>}) under
     * {@code recordDir}.
     */
    public static List<String> processedLines(Path recordDir) throws IOException {
        return lines(recordDir, "processed-");
    }

    /** The distinct bodies processed under any of {@code recordDirs}. */
    public static Set<String> processedBodies(Path... recordDirs) throws IOException {
        Set<String> seen = new HashSet<>();
        for (Path d : recordDirs) {
            for (String l : processedLines(d)) {
                seen.add(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return seen;
    }

    /**
     * Polls until {@code n} distinct bodies are processed or {@code timeout} passes; returns what was
     * processed by then, so that the test's assertion says what is missing. Each poll reads every record,
     * so the polls are spaced by {@code n / 100} ms (100 ms at least): a wait for 100,000 bodies reads them
     * once a second, not ten times, and leaves the CPUs to the pool it waits for.
     */
    public static Set<String> awaitProcessedBodies(int n, Duration timeout, Path... recordDirs)
            throws IOException, InterruptedException {
        try {
            Awaitility.await(n + " bodies processed")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(Math.max(100, n / 100)))
                    .until(() -> processedBodies(recordDirs).size() >= n);
        } catch (ConditionTimeoutException e) {
            // fall through: the caller's assertion on what was processed says what is missing
        }
        return processedBodies(recordDirs);
    }
}
