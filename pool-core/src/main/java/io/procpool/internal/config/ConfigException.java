package io.procpool.internal.config;

/** A configuration value a user got wrong; the message names the key, the value and its origin. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    /** {@code key: problem, but was "value" (origin)}: the shape of every config error. */
    static ConfigException invalid(String key, String problem, Object value, String origin) {
        return new ConfigException(
                key + ": " + problem + ", but was \"" + value + "\"" + (origin == null ? "" : " (" + origin + ")"));
    }
}
