package io.procpool.internal.config;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceSettings;
import java.util.Set;

/**
 * A task group's settings ({@code source.type: task}) and the source they define: the manager takes the
 * tasks other workers send ({@code ctx.task}) and deals them to this group's workers. A reload may change
 * {@code prefetch}; {@code max_deliveries} is read at start. Immutable.
 *
 * @param prefetch tasks a task worker holds unfinished at most
 * @param maxDeliveries task workers one task may take down, each while running it alone, after which
 *     the caller's future fails instead of the task killing one more worker
 */
public record TaskSettings(int prefetch, int maxDeliveries) implements SourceDefinition {

    public static final int DEFAULT_MAX_DELIVERIES = 3;

    static final Set<String> KEYS = Set.of("prefetch", "max_deliveries");

    @Override
    public Placement placement() {
        return Placement.MANAGER;
    }

    @Override
    public boolean reloadable(String key) {
        return key.equals("prefetch");
    }

    /** Validates the {@code source.*} keys of a task group. */
    public static TaskSettings from(SourceSettings s) throws SourceConfigException {
        s.requireKnown(KEYS);
        return new TaskSettings(
                s.integer("prefetch", PoolConfig.DEFAULT_PREFETCH, 1, 100_000),
                s.integer("max_deliveries", DEFAULT_MAX_DELIVERIES, 1, 1_000));
    }
}
