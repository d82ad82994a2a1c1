package io.procpool.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One log format for the manager and its workers: the system properties procpool's backend
 * ({@code pool-logging}) reads, {@code procpool.log.format}, {@code procpool.log.pool} and {@code
 * procpool.log.level}, set for the manager by {@link #use} and passed to each worker by {@link
 * #asJvmFlags}; and, for a pool whose classpath brings slf4j-simple, its settings (date, time, level,
 * message). The tag ({@code [manager]}, {@code [worker-3]}) or the JSON wrapping of other lines is the
 * manager's ({@link LogLines}), which owns the terminal. Called at start, before the first log line.
 */
public final class LogSetup {

    private static final Map<String, String> SIMPLE_LOGGER = Map.of(
            "org.slf4j.simpleLogger.showDateTime", "true",
            "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS",
            "org.slf4j.simpleLogger.showThreadName", "false",
            "org.slf4j.simpleLogger.showLogName", "false",
            "org.slf4j.simpleLogger.showShortLogName", "false");

    private LogSetup() {}

    /** Sets the format for this JVM, keeping any value the user set with -D. */
    public static void apply() {
        SIMPLE_LOGGER.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    /**
     * The pool's log takes the form {@code log} says: this JVM's backend (procpool's) writes text or
     * JSON, naming the pool by the directory of its configuration, and so will every worker it starts.
     */
    public static void use(io.procpool.internal.config.LogSettings log, java.nio.file.Path baseDir) {
        java.nio.file.Path name = baseDir.toAbsolutePath().normalize().getFileName();
        String pool = name == null ? "/" : name.toString();
        System.setProperty("procpool.log.format", log.json() ? "json" : "text");
        System.setProperty("procpool.log.pool", pool);
        LogLines.use(new LogLines(log.json(), pool));
    }

    /** The same settings as JVM flags, for a worker's command line. */
    public static List<String> asJvmFlags() {
        List<String> flags = new ArrayList<>();
        // the form, the pool's name and every level (procpool.log.level and procpool.log.level.<prefix>)
        for (String key : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (key.startsWith("procpool.log.") && !key.equals("procpool.log.group")) {
                flags.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        SIMPLE_LOGGER.forEach((k, v) -> flags.add("-D" + k + "=" + System.getProperty(k, v)));
        String level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (level != null) {
            flags.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level);
        }
        return flags;
    }
}
