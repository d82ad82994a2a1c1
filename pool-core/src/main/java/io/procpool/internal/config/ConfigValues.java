package io.procpool.internal.config;

import java.time.Duration;
import java.util.List;

/**
 * Typed reads of raw configuration values, shared by {@link PoolConfig}, {@link QueueSettings}
 * and {@link RetrySettings}: each failure names the key, the value and where it came from.
 * Stateless over its {@link RawConfig}; used by the thread that builds a configuration.
 */
record ConfigValues(RawConfig raw) {

    String origin(String key) {
        RawConfig.Entry e = raw.get(key);
        return e == null ? null : e.origin();
    }

    String string(String key, String dflt) {
        RawConfig.Entry e = raw.get(key);
        if (e == null) {
            return dflt;
        }
        if (!(e.value() instanceof String s)) {
            throw ConfigException.invalid(key, "must be a single value, not a list", e.value(), e.origin());
        }
        return s;
    }

    List<String> list(String key, List<String> dflt) {
        RawConfig.Entry e = raw.get(key);
        if (e == null) {
            return dflt;
        }
        if (e.value() instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        String s = ((String) e.value()).trim();
        return s.isEmpty() ? List.of() : List.of(s);
    }

    String oneOf(String key, String dflt, List<String> allowed) {
        String s = string(key, dflt);
        if (!allowed.contains(s)) {
            throw ConfigException.invalid(key, "must be one of " + String.join(", ", allowed), s, origin(key));
        }
        return s;
    }

    int intIn(String key, int dflt, int min, int max) {
        return (int) longIn(key, dflt, min, max);
    }

    long longIn(String key, long dflt, long min, long max) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        String range = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        try {
            long n = Long.parseLong(s.trim());
            if (n < min || n > max) {
                throw ConfigException.invalid(key, "must be " + range, s, origin(key));
            }
            return n;
        } catch (NumberFormatException ex) {
            throw ConfigException.invalid(key, "must be " + range, s, origin(key));
        }
    }

    Duration duration(String key, Duration dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Units.parseDuration(s);
        } catch (IllegalArgumentException ex) {
            throw ConfigException.invalid(key, ex.getMessage(), s, origin(key));
        }
    }

    Duration positiveDuration(String key, Duration dflt) {
        Duration d = duration(key, dflt);
        if (d.isZero()) {
            throw ConfigException.invalid(key, "must be longer than 0", string(key, null), origin(key));
        }
        return d;
    }

    double decimal(String key, double dflt, double min, double max) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            double n = Double.parseDouble(s.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ex) {
            // reported below
        }
        throw ConfigException.invalid(key, "must be a number from " + min + " to " + max, s, origin(key));
    }

    long size(String key, long dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Units.parseSizeBytes(s);
        } catch (IllegalArgumentException | ArithmeticException ex) {
            throw ConfigException.invalid(key, ex.getMessage(), s, origin(key));
        }
    }
}
