package io.procpool.internal.config;

import io.procpool.internal.queue.Durability;
import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceSettings;
import java.time.Duration;
import java.util.Set;

/**
 * The built-in queue's settings ({@code source.*} when {@code source.type} is {@code queue}),
 * validated like every other source's, and the source they define: the manager runs the queue. A
 * reload may change every one of them but the queue's name and durability (its store). Immutable.
 *
 * @param maxLength live messages (ready, delayed, in flight) at most; 0 = unbounded
 * @param pushTimeout how long a producer is held back by a full queue before it is told
 * @param redeliveryDelay delay before a failed message is delivered again; doubles per failure
 */
public record QueueSettings(
        String queue,
        Durability durability,
        int prefetch,
        long maxLength,
        Duration pushTimeout,
        long maxMessageBytes,
        Duration redeliveryDelay,
        Duration maxRedeliveryDelay)
        implements SourceDefinition {

    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** A message must fit in one IPC frame with room to spare. */
    public static final long MAX_MESSAGE_BYTES_LIMIT = 16 << 20;

    static final Set<String> KEYS = Set.of(
            "queue",
            "durability",
            "prefetch",
            "max_length",
            "push_timeout",
            "max_message_bytes",
            "redelivery_delay",
            "max_redelivery_delay");

    @Override
    public Placement placement() {
        return Placement.MANAGER;
    }

    @Override
    public boolean reloadable(String key) {
        return !key.equals("queue") && !key.equals("durability");
    }

    /** Validates the {@code source.*} keys of a queue source. */
    public static QueueSettings from(SourceSettings s) throws SourceConfigException {
        s.requireKnown(KEYS);
        String name = s.string("queue", "default");
        if (!name.matches("[A-Za-z0-9_.:-]{1,100}") || name.endsWith(".dead")) {
            throw new SourceConfigException(
                    "queue", "must be 1-100 letters, digits, _ . : - and not end in .dead", name);
        }
        Durability durability = Durability.of(s.oneOf("durability", "process", "process", "power", "none"));
        long maxMessageBytes = s.bytes("max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES);
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
            throw new SourceConfigException(
                    "max_message_bytes", "must be from 1B to 16MiB", s.string("max_message_bytes", ""));
        }
        return new QueueSettings(
                name,
                durability,
                s.integer("prefetch", PoolConfig.DEFAULT_PREFETCH, 1, 100_000),
                s.longValue("max_length", 0, 0, Long.MAX_VALUE),
                s.duration("push_timeout", Duration.ofSeconds(10)),
                maxMessageBytes,
                s.duration("redelivery_delay", Duration.ofSeconds(1)),
                s.duration("max_redelivery_delay", Duration.ofMinutes(5)));
    }

    /** The delay before the next delivery of a message that failed {@code failures} times. */
    public Duration redeliveryDelayAfter(int failures) {
        long ms = redeliveryDelay.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        return ms <= 0 || ms > maxRedeliveryDelay.toMillis() ? maxRedeliveryDelay : Duration.ofMillis(ms);
    }

    /** Defaults, for tools that read a queue without a pool configuration. */
    public static QueueSettings defaults(String queue, Durability durability) {
        return new QueueSettings(
                queue,
                durability,
                PoolConfig.DEFAULT_PREFETCH,
                0,
                Duration.ofSeconds(10),
                DEFAULT_MAX_MESSAGE_BYTES,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5));
    }
}
