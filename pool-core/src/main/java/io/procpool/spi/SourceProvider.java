package io.procpool.spi;

/**
 * A kind of source, found with {@link java.util.ServiceLoader} and chosen by {@code source.type}.
 * Implementations are stateless factories; any thread.
 */
public interface SourceProvider {

    /** The {@code source.type} this provider serves, e.g. {@code tcp}. */
    String type();

    /**
     * Checks the {@code source.*} settings and returns the source they define; at start and on reload,
     * before anything runs, and once in each worker of a source the workers run.
     *
     * @throws SourceConfigException naming the first bad key, why, and its value
     */
    SourceDefinition define(SourceSettings settings) throws SourceConfigException;
}
