package io.procpool.internal.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a worker retries a message whose {@code onMessage} threw, before it reports the failure
 * ({@code retry.*}): attempts, exponential backoff with jitter, and exception classes that are
 * never retried. Immutable; travels to workers as dotted keys ({@link #asSettings()}).
 *
 * @param jitter the randomization factor, 0 (none) to 1: each wait is the backoff ± that share
 * @param ignore fully qualified exception classes that fail the message at once
 */
public record RetrySettings(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff, double jitter,
                            List<String> ignore) {

    public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(10),
            0.5, List.of());

    static RetrySettings from(Map<String, RawConfig.Entry> raw) {
        RetrySettings d = DEFAULTS;
        int attempts = (int) number(raw, "retry.max_attempts", d.maxAttempts(), 1, 100);
        double multiplier = decimal(raw, "retry.multiplier", d.multiplier(), 1.0, 100.0);
        double jitter = decimal(raw, "retry.jitter", d.jitter(), 0.0, 1.0);
        Duration backoff = duration(raw, "retry.backoff", d.backoff());
        Duration maxBackoff = duration(raw, "retry.max_backoff", d.maxBackoff());
        RawConfig.Entry ignore = raw.get("retry.ignore");
        List<String> classes = ignore == null ? List.of() : ignore.value() instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(ignore.value()));
        for (String c : classes) {
            if (!c.matches("[\\w$.]+")) {
                throw ConfigException.invalid("retry.ignore", "must list exception class names", c, ignore.origin());
            }
        }
        return new RetrySettings(attempts, backoff, multiplier, maxBackoff, jitter, List.copyOf(classes));
    }

    /** The settings as dotted keys for a worker's WELCOME. */
    public Map<String, String> asSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("retry.max_attempts", Integer.toString(maxAttempts));
        m.put("retry.backoff", backoff.toMillis() + "ms");
        m.put("retry.multiplier", Double.toString(multiplier));
        m.put("retry.max_backoff", maxBackoff.toMillis() + "ms");
        m.put("retry.jitter", Double.toString(jitter));
        m.put("retry.ignore", String.join(",", ignore));
        return m;
    }

    /** Reads what {@link #asSettings()} wrote (in a worker). */
    public static RetrySettings fromSettings(Map<String, String> s) {
        String ignore = s.getOrDefault("retry.ignore", "");
        return new RetrySettings(Integer.parseInt(s.getOrDefault("retry.max_attempts", "1")),
                Units.parseDuration(s.getOrDefault("retry.backoff", "100ms")),
                Double.parseDouble(s.getOrDefault("retry.multiplier", "2")),
                Units.parseDuration(s.getOrDefault("retry.max_backoff", "10s")),
                Double.parseDouble(s.getOrDefault("retry.jitter", "0")),
                ignore.isBlank() ? List.of() : List.of(ignore.split(",")));
    }

    private static String text(Map<String, RawConfig.Entry> raw, String key) {
        RawConfig.Entry e = raw.get(key);
        if (e != null && !(e.value() instanceof String)) {
            throw ConfigException.invalid(key, "must be a single value, not a list", e.value(), e.origin());
        }
        return e == null ? null : (String) e.value();
    }

    private static long number(Map<String, RawConfig.Entry> raw, String key, long dflt, long min, long max) {
        String v = text(raw, key);
        try {
            long n = v == null ? dflt : Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(key, "must be an integer from " + min + " to " + max, v, raw.get(key).origin());
    }

    private static double decimal(Map<String, RawConfig.Entry> raw, String key, double dflt, double min, double max) {
        String v = text(raw, key);
        try {
            double n = v == null ? dflt : Double.parseDouble(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(key, "must be a number from " + min + " to " + max, v, raw.get(key).origin());
    }

    private static Duration duration(Map<String, RawConfig.Entry> raw, String key, Duration dflt) {
        String v = text(raw, key);
        try {
            return v == null ? dflt : Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, e.getMessage(), v, raw.get(key).origin());
        }
    }
}
