package io.procpool.internal.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the pool's log goes and in which form ({@code log_format}, {@code log_file}, {@code log_max_size},
 * {@code log_keep}): the manager writes its own lines and every worker's, as text or as JSON lines, to
 * its terminal or to a file it rotates by size. The manager's own keys: set at the top of the file, read
 * at start. Immutable.
 *
 * @param json {@code log_format: json}: one JSON object per line
 * @param file the log file, or null for the terminal (standard output and error)
 * @param maxBytes the size at which the file is rotated (0: never)
 * @param keep rotated files kept ({@code pool.log.1} the newest)
 */
public record LogSettings(boolean json, Path file, long maxBytes, int keep) {

    public static final LogSettings TERMINAL = new LogSettings(false, null, 0, 0);
    public static final long DEFAULT_MAX_BYTES = 10L << 20;
    public static final int DEFAULT_KEEP = 5;

    static LogSettings from(ConfigValues v, Path baseDir) {
        boolean json = v.oneOf("log_format", "text", List.of("text", "json")).equals("json");
        String file = v.string("log_file", null);
        long maxBytes = v.size("log_max_size", DEFAULT_MAX_BYTES);
        int keep = v.intIn("log_keep", DEFAULT_KEEP, 1, 100);
        if (file == null || file.isBlank()) {
            for (String key : List.of("log_max_size", "log_keep")) {
                if (v.string(key, null) != null) {
                    throw ConfigException.invalid(
                            key, "needs log_file: the log goes to the terminal", v.string(key, null), v.origin(key));
                }
            }
            return new LogSettings(json, null, 0, 0);
        }
        return new LogSettings(json, baseDir.resolve(file.trim()).normalize(), maxBytes, keep);
    }

    /** With {@code --daemon} and no {@code log_file}: the log goes to {@code run_dir/pool.log}, rotated by default. */
    public LogSettings orFile(Path defaultFile) {
        return file != null ? this : new LogSettings(json, defaultFile, DEFAULT_MAX_BYTES, DEFAULT_KEEP);
    }
}
