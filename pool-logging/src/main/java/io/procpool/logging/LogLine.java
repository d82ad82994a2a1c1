package io.procpool.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The line one log event becomes, on standard error. Text ({@code procpool.log.format} unset or
 * {@code text}): {@code 2026-12-03 06:45:04.222 INFO message}, a stack trace on the lines after. JSON
 * ({@code json}): one object per line with {@code time} (UTC, ISO-8601), {@code level}, {@code pool},
 * {@code group}, {@code slot} (null in the manager), {@code pid}, {@code logger}, {@code thread},
 * {@code message}, {@code mdc} and {@code error} (the stack trace, when there is one). The pool, group
 * and slot come from {@code procpool.log.pool}, {@code procpool.log.group} and {@code procpool.slot},
 * which the manager sets for itself and passes to each worker. Stateless; any thread (each line is one
 * write, so lines of different threads never mix).
 */
final class LogLine {

    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    private static final long PID = ProcessHandle.current().pid();

    private LogLine() {}

    static void write(Level level, String logger, String message, Throwable error) {
        PrintStream err = System.err;
        String line = json()
                ? json(Instant.now(), level, logger, Thread.currentThread().getName(), message, mdc(), error)
                : text(LocalDateTime.now(ZoneId.systemDefault()), level, message, error);
        err.print(line + System.lineSeparator());
        err.flush();
    }

    /** Whether this JVM writes JSON lines. */
    static boolean json() {
        return "json".equals(System.getProperty("procpool.log.format"));
    }

    static String text(LocalDateTime time, Level level, String message, Throwable error) {
        String line = TEXT_TIME.format(time) + " " + level + " " + message;
        return error == null
                ? line
                : line + System.lineSeparator() + stackTrace(error).stripTrailing();
    }

    static String json(
            Instant time,
            Level level,
            String logger,
            String thread,
            String message,
            Map<String, String> mdc,
            Throwable error) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":");
        quote(b, time.toString());
        b.append(",\"level\":");
        quote(b, level.toString());
        appendSource(
                b,
                System.getProperty("procpool.log.pool"),
                System.getProperty("procpool.log.group"),
                System.getProperty("procpool.slot"),
                PID);
        b.append(",\"logger\":");
        quote(b, logger);
        b.append(",\"thread\":");
        quote(b, thread);
        b.append(",\"message\":");
        quote(b, message);
        if (!mdc.isEmpty()) {
            b.append(",\"mdc\":{");
            boolean first = true;
            for (var e : new TreeMap<>(mdc).entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, e.getKey());
                b.append(':');
                quote(b, e.getValue());
            }
            b.append('}');
        }
        if (error != null) {
            b.append(",\"error\":");
            quote(b, stackTrace(error).stripTrailing());
        }
        return b.append('}').toString();
    }

    /** The fields that say who wrote a line, after a comma; a slot that is not a number is null. */
    private static void appendSource(StringBuilder b, String pool, String group, String slot, long pid) {
        b.append(",\"pool\":");
        quote(b, pool);
        b.append(",\"group\":");
        quote(b, group);
        b.append(",\"slot\":");
        b.append(slot != null && slot.matches("\\d{1,9}") ? slot : "null");
        b.append(",\"pid\":").append(pid);
    }

    private static Map<String, String> mdc() {
        Map<String, String> m = MDC.getCopyOfContextMap();
        return m == null ? Map.of() : m;
    }

    private static String stackTrace(Throwable error) {
        StringWriter w = new StringWriter();
        error.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** {@code s} as a JSON string (null as {@code null}). */
    private static void quote(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
