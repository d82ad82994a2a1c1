package io.procpool.spi;

import java.util.Map;

/**
 * A kind of source, found with {@link java.util.ServiceLoader} and chosen by {@code source.type}.
 * Implementations are stateless factories; any thread.
 */
public interface SourceProvider {

    /** The {@code source.type} this provider serves, e.g. {@code tcp}. */
    String type();

    /**
     * Checks the {@code source.*} settings (keys without the prefix, {@code type} included) at
     * start and on reload, before anything runs.
     *
     * @throws SourceConfigException naming the first bad key and its value
     */
    void validate(Map<String, String> settings) throws SourceConfigException;

    /**
     * True when the manager runs this source and hands its requests to workers over IPC
     * ({@link #managerSource}); false when every worker runs its own ({@link #workerSource}).
     */
    boolean managerFed(Map<String, String> settings);

    /** The manager's instance of a manager-fed source; called once per manager run. */
    default ManagerSource managerSource(Map<String, String> settings) {
        throw new UnsupportedOperationException(type() + " is not manager-fed");
    }

    /** A worker's instance of a worker-run source; called once in each worker. */
    default WorkerSource workerSource(Map<String, String> settings) {
        throw new UnsupportedOperationException(type() + " is not run by workers");
    }

    /**
     * As {@link #workerSource(Map)}, told the pool's id: the host and a hash of the run
     * directory, the same after a restart, for names in a broker that several pools share.
     */
    default WorkerSource workerSource(Map<String, String> settings, String poolId) {
        return workerSource(settings);
    }
}
