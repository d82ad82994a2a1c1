package io.procpool.internal.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration values before validation, flattened to dotted keys ({@code source.type}),
 * each remembering where it came from (the file, an environment variable, a CLI flag) so an
 * error can say so. A value is a {@code String} or a {@code List<String>}. Later layers
 * replace earlier ones key by key. Not thread-safe: built and read by one thread.
 */
public final class RawConfig {

    /** One value and its origin, for error messages. */
    public record Entry(Object value, String origin) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public void put(String key, Object value, String origin) {
        if (!(value instanceof String) && !(value instanceof List<?>)) {
            throw new IllegalArgumentException("value of " + key + " must be a String or a List");
        }
        entries.put(key, new Entry(value, origin));
    }

    public Entry get(String key) {
        return entries.get(key);
    }

    public Map<String, Entry> entries() {
        return entries;
    }
}
