package io.procpool.spi;

import io.procpool.internal.config.Units;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A pool's {@code source.*} settings as given (keys without the prefix, {@code type} included), with
 * typed reads that every source uses, so that each kind of value has one grammar:
 * <ul>
 *   <li>integers: decimal, within a range;</li>
 *   <li>durations: a number and a unit, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or {@code 0};</li>
 *   <li>sizes: {@code 512KiB}, {@code 64MiB}, {@code 1GiB}, {@code 10MB}, {@code 100B}, or {@code 0};</li>
 *   <li>booleans: {@code true}/{@code false} ({@code yes}/{@code no}, {@code on}/{@code off});</li>
 *   <li>lists: a YAML list ({@code [a, b]}) or a text of items split on commas and blanks ({@code a, b});</li>
 *   <li>one of a set of words.</li>
 * </ul>
 * Every failed read throws a {@link SourceConfigException} naming the key, what is accepted and the
 * value. Immutable; any thread.
 */
public final class SourceSettings {

    private final Map<String, String> values;

    private SourceSettings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The source of a pool whose configuration sets no {@code source.type}: the built-in queue. */
    public static final String DEFAULT_TYPE = "queue";

    /** The settings {@code values} (keys without {@code source.}). */
    public static SourceSettings of(Map<String, String> values) {
        return new SourceSettings(values);
    }

    /** {@code source.type}, or {@link #DEFAULT_TYPE} when it is not set. */
    public String type() {
        return values.getOrDefault("type", DEFAULT_TYPE);
    }

    /** Every key set, {@code type} included. */
    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The settings as given, by key. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The value as given, or {@code dflt}. */
    public String string(String key, String dflt) {
        String v = values.get(key);
        return v == null ? dflt : v;
    }

    /** The keys under {@code prefix} ({@code consumer.}), the prefix taken off, with their values. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return m;
    }

    /**
     * Refuses a key this source does not know: every key must be {@code type}, one of {@code known}, or
     * start with one of {@code prefixes} ({@code "consumer."}).
     */
    public void requireKnown(Set<String> known, String... prefixes) throws SourceConfigException {
        for (String key : values.keySet()) {
            if (key.equals("type")
                    || known.contains(key)
                    || Arrays.stream(prefixes).anyMatch(key::startsWith)) {
                continue;
            }
            TreeSet<String> names = new TreeSet<>(known);
            Arrays.stream(prefixes).forEach(p -> names.add(p + "*"));
            throw new SourceConfigException(
                    key,
                    "unknown key for source type " + type() + " (known: " + String.join(", ", names) + ")",
                    values.get(key));
        }
    }

    /** Refuses {@code key} when it is set: it has no effect in this mode, which {@code why} explains. */
    public void refuse(String key, String why) throws SourceConfigException {
        if (values.containsKey(key)) {
            throw new SourceConfigException(key, why, values.get(key));
        }
    }

    public String oneOf(String key, String dflt, String... allowed) throws SourceConfigException {
        String v = string(key, dflt).trim();
        if (!List.of(allowed).contains(v)) {
            throw new SourceConfigException(key, "must be one of " + String.join(", ", allowed), v);
        }
        return v;
    }

    public int integer(String key, int dflt, int min, int max) throws SourceConfigException {
        return (int) longValue(key, dflt, min, max);
    }

    public long longValue(String key, long dflt, long min, long max) throws SourceConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SourceConfigException(
                key,
                max == Long.MAX_VALUE
                        ? "must be an integer >= " + min
                        : "must be an integer from " + min + " to " + max,
                v);
    }

    public Duration duration(String key, Duration dflt) throws SourceConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new SourceConfigException(key, e.getMessage(), v);
        }
    }

    public long bytes(String key, long dflt) throws SourceConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Units.parseSizeBytes(v);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SourceConfigException(key, e.getMessage() == null ? "is too large" : e.getMessage(), v);
        }
    }

    public boolean bool(String key, boolean dflt) throws SourceConfigException {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new SourceConfigException(key, "must be true or false", v);
        };
    }

    /** The items of a list value; empty when the key is not set. */
    public List<String> list(String key) {
        String v = values.get(key);
        if (v == null) {
            return List.of();
        }
        String t = v.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        return Arrays.stream(t.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    /** Whether the value of {@code key} was written as a list ({@code [a, b]}) rather than as one text. */
    public boolean isList(String key) {
        String v = values.get(key);
        return v != null && v.trim().startsWith("[") && v.trim().endsWith("]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceSettings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
