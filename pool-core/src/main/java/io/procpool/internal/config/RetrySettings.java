package io.procpool.internal.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a worker retries a message whose {@code onMessage} threw, before it reports the failure
 * ({@code retry.*}): how many tries, exponential backoff with jitter, and exception classes that are
 * never retried. Immutable; travels to workers as dotted keys ({@link #asSettings()}).
 *
 * @param jitter the randomization factor, 0 (none) to 1: each wait is the backoff ± that share
 * @param ignore fully qualified exception classes that fail the message at once
 */
public record RetrySettings(
        int maxTries, Duration backoff, double multiplier, Duration maxBackoff, double jitter, List<String> ignore) {

    public static final RetrySettings DEFAULTS =
            new RetrySettings(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 0.5, List.of());

    static RetrySettings from(ConfigValues v) {
        RetrySettings d = DEFAULTS;
        List<String> classes = v.list("retry.ignore", List.of());
        for (String c : classes) {
            if (!c.matches("[\\w$.]+")) {
                throw ConfigException.invalid(
                        "retry.ignore", "must list exception class names", c, v.origin("retry.ignore"));
            }
        }
        return new RetrySettings(
                v.intIn("retry.max_tries", d.maxTries(), 1, 100),
                v.duration("retry.backoff", d.backoff()),
                v.decimal("retry.multiplier", d.multiplier(), 1.0, 100.0),
                v.duration("retry.max_backoff", d.maxBackoff()),
                v.decimal("retry.jitter", d.jitter(), 0.0, 1.0),
                List.copyOf(classes));
    }

    /** The settings as dotted keys for a worker's WELCOME. */
    public Map<String, String> asSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("retry.max_tries", Integer.toString(maxTries));
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
        return new RetrySettings(
                Integer.parseInt(s.getOrDefault("retry.max_tries", "1")),
                Units.parseDuration(s.getOrDefault("retry.backoff", "100ms")),
                Double.parseDouble(s.getOrDefault("retry.multiplier", "2")),
                Units.parseDuration(s.getOrDefault("retry.max_backoff", "10s")),
                Double.parseDouble(s.getOrDefault("retry.jitter", "0")),
                ignore.isBlank() ? List.of() : List.of(ignore.split(",")));
    }
}
