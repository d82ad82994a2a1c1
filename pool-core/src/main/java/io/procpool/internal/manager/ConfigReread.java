package io.procpool.internal.manager;

import io.procpool.internal.config.ConfigException;
import io.procpool.internal.config.PoolConfig;
import java.util.List;
import java.util.function.Supplier;

/**
 * The outcome of rereading the configuration file (HUP, {@code pool reload --reread}): the configuration
 * to apply, or why none applies (the file is invalid, or it changes a setting that needs a new manager).
 * Immutable; made on the supervisor thread.
 *
 * @param next the configuration to apply, or null when refused
 * @param refusal why the file cannot apply, or null
 */
record ConfigReread(PoolConfig next, String refusal) {

    static ConfigReread of(PoolConfig running, Supplier<PoolConfig> reader) {
        PoolConfig next;
        try {
            next = reader.get();
        } catch (ConfigException e) {
            return new ConfigReread(null, "configuration reload failed: " + e.getMessage());
        }
        List<String> restartOnly = RestartOnlySettings.changed(running, next);
        return restartOnly.isEmpty()
                ? new ConfigReread(next, null)
                : new ConfigReread(null, RestartOnlySettings.refusal(restartOnly));
    }
}
