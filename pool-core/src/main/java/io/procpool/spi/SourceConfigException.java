package io.procpool.spi;

/** A bad {@code source.*} setting: the pool refuses to start (or to reload) and says which and why. */
public final class SourceConfigException extends Exception {

    private final String key;
    private final String problem;
    private final String value;

    /**
     * @param key the setting without the {@code source.} prefix, e.g. {@code listen}
     * @param problem what is wrong, e.g. "must be host:port or unix:/path"
     * @param value the value as given
     */
    public SourceConfigException(String key, String problem, String value) {
        super("source." + key + ": " + problem + ", but was \"" + value + "\"");
        this.key = key;
        this.problem = problem;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }

    public String value() {
        return value;
    }
}
