package io.procpool.internal.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the two kinds of values that carry units in the configuration: durations
 * ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}) and sizes ({@code 512KiB}, {@code 64MiB},
 * {@code 1GiB}, {@code 10MB}). A bare {@code 0} is accepted for both; any other bare number is
 * refused, because a unitless value is where "seconds or milliseconds?" bugs come from.
 */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)");

    private Units() {}

    /**
     * Parses the text.
     *
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a duration with a unit (500ms, 30s, 2m, 1h) or 0");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /**
     * Parses the text.
     *
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static long parseSizeBytes(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return 0;
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a size with a unit (512KiB, 64MiB, 1GiB, 10MB) or 0");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        return Math.multiplyExact(n, unit);
    }

    /** Renders a duration the way the configuration writes it. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
