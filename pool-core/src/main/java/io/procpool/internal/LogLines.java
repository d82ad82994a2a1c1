package io.procpool.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The form of each line the manager writes to the pool's log, its own and its workers'. Text: the line
 * after its tag ({@code [manager] }, {@code [worker-2] }). JSON ({@code log_format: json}): a line that
 * is already a JSON object with a {@code pid} (what procpool's logging backend writes) passes as it is;
 * any other line (a {@code System.out.println}, another backend's text, a JVM warning) is wrapped in one,
 * with {@code time}, {@code level} ({@code INFO} from standard output, {@code WARN} from standard error),
 * {@code pool}, {@code group}, {@code slot}, {@code pid}, {@code logger} ({@code stdout} or {@code stderr})
 * and {@code message}. Immutable; any thread.
 */
public final class LogLines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile LogLines current = new LogLines(false, null);

    private final boolean json;
    private final String pool;

    /** Who wrote a line: the group and slot of a worker (both null for the manager) and its pid. */
    public record Writer(String group, Integer slot, long pid) {
        /** The manager itself. */
        public static Writer manager() {
            return new Writer(null, null, ProcessHandle.current().pid());
        }
    }

    public LogLines(boolean json, String pool) {
        this.json = json;
        this.pool = pool;
    }

    /** The form this manager's log uses; text until {@link #use} says otherwise. */
    public static LogLines current() {
        return current;
    }

    /** From now on this manager's lines take {@code lines}' form. */
    public static void use(LogLines lines) {
        current = lines;
    }

    public boolean json() {
        return json;
    }

    /** The line {@code raw}, written by {@code writer} to its standard error ({@code stderr}) or output, as the log has it. */
    public String line(String tag, Writer writer, boolean stderr, String raw) {
        if (!json) {
            return tag + raw;
        }
        if (raw.startsWith("{") && raw.endsWith("}")) {
            try {
                JsonNode node = JSON.readTree(raw);
                if (node instanceof ObjectNode o && o.has("pid")) {
                    if (writer.slot() != null && o.path("slot").isNull()) {
                        // a thread worker logs through the manager's backend, which knows no slot
                        o.put("group", writer.group());
                        o.put("slot", writer.slot());
                        return JSON.writeValueAsString(o);
                    }
                    return raw;
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: wrapped below as any other line
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.now().toString());
        m.put("level", stderr ? "WARN" : "INFO");
        m.put("pool", pool);
        m.put("group", writer.group());
        m.put("slot", writer.slot());
        m.put("pid", writer.pid());
        m.put("logger", stderr ? "stderr" : "stdout");
        m.put("message", raw);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log line could not be written as JSON", e);
        }
    }
}
