package io.procpool.internal.config;

import io.procpool.internal.queue.Durability;
import java.time.Duration;
import java.util.List;
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

    /** Validates the {@code source.*} keys of a queue source; {@code keys} are those set, without the prefix. */
    static QueueSettings from(Set<String> keys, ConfigValues v) {
        for (String key : keys) {
            if (!KEYS.contains(key)) {
                throw ConfigException.invalid("source." + key, "unknown key for source type queue (known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")", v.string("source." + key, ""),
                        v.origin("source." + key));
            }
        }
        String name = v.string("source.queue", "default");
        if (!name.matches("[A-Za-z0-9_.:-]{1,100}") || name.endsWith(".dead")) {
            throw ConfigException.invalid("source.queue", "must be 1-100 letters, digits, _ . : - and not end in .dead",
                    name, v.origin("source.queue"));
        }
        Durability durability;
        String durabilityText = v.oneOf("source.durability", "process", List.of("process", "power", "none"));
        durability = Durability.of(durabilityText);
        long maxMessageBytes = v.size("source.max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES);
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
            throw ConfigException.invalid("source.max_message_bytes", "must be from 1B to 16MiB",
                    v.string("source.max_message_bytes", ""), v.origin("source.max_message_bytes"));
        }
        return new QueueSettings(name, durability,
                v.intIn("source.prefetch", PoolConfig.DEFAULT_PREFETCH, 1, 100_000),
                v.longIn("source.max_length", 0, 0, Long.MAX_VALUE),
                v.duration("source.push_timeout", Duration.ofSeconds(10)),
                maxMessageBytes,
                v.duration("source.redelivery_delay", Duration.ofSeconds(1)),
                v.duration("source.max_redelivery_delay", Duration.ofMinutes(5)));
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
