package io.procpool.internal.config;

import io.procpool.internal.queue.Durability;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The built-in queue's settings ({@code source.*} when {@code source.type} is {@code queue}),
 * validated like every other key. Immutable.
 *
 * @param maxLength live messages (ready, delayed, in flight) at most; 0 = unbounded
 * @param pushTimeout how long a producer is held back by a full queue before it is told
 * @param redeliveryDelay delay before a failed message is delivered again; doubles per failure
 */
public record QueueSettings(String queue, Durability durability, int prefetch, long maxLength, Duration pushTimeout,
                            long maxMessageBytes, Duration redeliveryDelay, Duration maxRedeliveryDelay) {

    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** A message must fit in one IPC frame with room to spare. */
    public static final long MAX_MESSAGE_BYTES_LIMIT = 16 << 20;
    static final Set<String> KEYS = Set.of("type", "queue", "durability", "prefetch", "max_length", "push_timeout",
            "max_message_bytes", "redelivery_delay", "max_redelivery_delay");

    static QueueSettings from(Map<String, String> source, String origin) {
        for (String key : source.keySet()) {
            if (!KEYS.contains(key)) {
                throw ConfigException.invalid("source." + key, "unknown key for source type queue (known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")", source.get(key), origin);
            }
        }
        String name = source.getOrDefault("queue", "default");
        if (!name.matches("[A-Za-z0-9_.:-]{1,100}") || name.endsWith(".dead")) {
            throw ConfigException.invalid("source.queue", "must be 1-100 letters, digits, _ . : - and not end in .dead",
                    name, origin);
        }
        Durability durability;
        try {
            durability = Durability.of(source.getOrDefault("durability", "process"));
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("source.durability", "must be one of process, power, none",
                    source.get("durability"), origin);
        }
        long maxMessageBytes = size(source, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES, origin);
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
            throw ConfigException.invalid("source.max_message_bytes", "must be from 1B to 16MiB",
                    source.get("max_message_bytes"), origin);
        }
        return new QueueSettings(name, durability,
                (int) number(source, "prefetch", PoolConfig.DEFAULT_PREFETCH, 1, 100_000, origin),
                number(source, "max_length", 0, 0, Long.MAX_VALUE, origin),
                duration(source, "push_timeout", Duration.ofSeconds(10), origin),
                maxMessageBytes,
                duration(source, "redelivery_delay", Duration.ofSeconds(1), origin),
                duration(source, "max_redelivery_delay", Duration.ofMinutes(5), origin));
    }

    private static long number(Map<String, String> s, String key, long dflt, long min, long max, String origin) {
        String v = s.get(key);
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
        throw ConfigException.invalid("source." + key, "must be an integer from " + min + " to " + max, v, origin);
    }

    private static Duration duration(Map<String, String> s, String key, Duration dflt, String origin) {
        String v = s.get(key);
        try {
            return v == null ? dflt : Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("source." + key, e.getMessage(), v, origin);
        }
    }

    private static long size(Map<String, String> s, String key, long dflt, String origin) {
        String v = s.get(key);
        try {
            return v == null ? dflt : Units.parseSizeBytes(v);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ConfigException.invalid("source." + key, e.getMessage(), v, origin);
        }
    }

    /** The delay before delivery number {@code attempts + 1} of a message that failed {@code attempts} times. */
    public Duration redeliveryDelayAfter(int attempts) {
        long ms = redeliveryDelay.toMillis() << Math.min(Math.max(attempts - 1, 0), 30);
        return ms <= 0 || ms > maxRedeliveryDelay.toMillis() ? maxRedeliveryDelay : Duration.ofMillis(ms);
    }

    /** Defaults, for tools that read a queue without a pool configuration. */
    public static QueueSettings defaults(String queue, Durability durability) {
        return new QueueSettings(queue, durability, PoolConfig.DEFAULT_PREFETCH, 0, Duration.ofSeconds(10),
                DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }
}
