package io.procpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procpool.internal.ExitCode;
import io.procpool.internal.config.ConfigLoader;
import io.procpool.internal.config.PoolConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pool logs [-f] [--slot N] [--group G]}: the pool's log file ({@code log_file}, or {@code
 * run_dir/pool.log} of a pool started with {@code --daemon}), all of it or one slot's lines, text or JSON;
 * {@code -f} then follows it as {@code tail -f} does, across rotations, until Ctrl-C. The CLI's thread.
 */
@Command(
        name = "logs",
        description = "Print the pool's log file (log_file, or run_dir/pool.log with --daemon); -f follows it.")
final class LogsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FOLLOW_POLL_MS = 200;

    @Mixin
    PoolOptions options;

    @Option(names = "-f", description = "Keep printing lines as they are written, across rotations, until Ctrl-C.")
    boolean follow;

    @Option(names = "--slot", paramLabel = "N", description = "Only the lines of the workers of slot N.")
    Integer slot;

    @Option(names = "--group", paramLabel = "G", description = "Only the lines of group G's workers.")
    String group;

    /** The tag of the lines asked for in a text log; made at the first line. */
    private Pattern tag;

    @Override
    public Integer call() throws Exception {
        Path file = logFile();
        if (!Files.exists(file)) {
            System.err.println("pool logs: no log file at " + file + ": a pool started in the foreground logs to"
                    + " its terminal unless log_file is set; with --daemon it writes run_dir/pool.log");
            return ExitCode.FAILED;
        }
        PrintStream out = System.out;
        long position = 0;
        Object key = fileKey(file);
        StringBuilder partial = new StringBuilder();
        while (true) {
            try {
                Object now = fileKey(file);
                long size = Files.size(file);
                if (!now.equals(key) || size < position) {
                    // rotated: what was written to the old file since the last look is in <file>.1 now
                    Path old = file.resolveSibling(file.getFileName() + ".1");
                    if (!now.equals(key) && Files.exists(old) && fileKey(old).equals(key)) {
                        print(old, position, partial, out);
                    }
                    key = now; // and the new file is read from its start
                    position = 0;
                }
                if (size > position) {
                    position = print(file, position, partial, out);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // between the rename of a rotation and the new file: there again at the next look
            }
            if (!follow) {
                if (!partial.isEmpty()) {
                    printLine(partial.toString(), out);
                }
                return ExitCode.OK;
            }
            Thread.sleep(FOLLOW_POLL_MS);
        }
    }

    /** The log file of the configuration this command names. */
    private Path logFile() {
        Map<String, Object> flags = options.runDir == null
                ? Map.of()
                : Map.of("run_dir", options.runDir.toAbsolutePath().toString());
        PoolConfig first = ConfigLoader.loadLayout(options.configFile(), System.getenv(), flags)
                .first();
        return first.log().file() != null ? first.log().file() : first.runDir().resolve("pool.log");
    }

    private static Object fileKey(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey() : a.creationTime();
    }

    /** Prints the complete lines from {@code from} on; returns where the next read starts. */
    private long print(Path file, long from, StringBuilder partial, PrintStream out) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            byte[] buffer = new byte[64 * 1024];
            long at = from;
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            line.writeBytes(partial.toString().getBytes(StandardCharsets.UTF_8));
            partial.setLength(0);
            int n;
            while ((n = f.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        printLine(line.toString(StandardCharsets.UTF_8), out);
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
                at += n;
            }
            partial.append(line.toString(StandardCharsets.UTF_8)); // a line still being written
            out.flush();
            return at;
        }
    }

    private void printLine(String line, PrintStream out) {
        if (wanted(line)) {
            out.println(line);
        }
    }

    /** Whether {@code line} is of the slot and group asked for (every line when neither is). */
    boolean wanted(String line) {
        if (slot == null && group == null) {
            return true;
        }
        if (line.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(line);
                return (slot == null || node.path("slot").asInt(-1) == slot)
                        && (group == null || group.equals(node.path("group").asText(null)))
                        && !node.path("slot").isNull();
            } catch (IOException e) {
                return false;
            }
        }
        if (tag == null) {
            // text: [worker-2] in a pool without groups, [orders-2] in group orders
            String g = group == null ? "[^\\]\\s]+" : Pattern.quote(group.equals("default") ? "worker" : group);
            String s = slot == null ? "\\d+" : Integer.toString(slot);
            tag = Pattern.compile("^\\[(?!manager])" + g + "-" + s + "] ");
        }
        return tag.matcher(line).find();
    }
}
