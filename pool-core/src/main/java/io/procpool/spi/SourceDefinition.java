package io.procpool.spi;

/**
 * A source as its settings define it: checked, typed, and ready to make the running source from. A
 * provider makes one from the settings once per process ({@link SourceProvider#define}); the manager
 * asks it where the source runs and what a reload may change, and the process that runs it asks it for
 * the source itself. Immutable; any thread.
 */
public interface SourceDefinition {

    /** Where a source runs. */
    enum Placement {
        /** The manager runs it and hands its requests to workers over IPC (TCP in process mode, the built-in queue). */
        MANAGER,
        /** Every worker runs its own (Redis, Kafka, TCP in base mode). */
        WORKERS,
        /** No source: the consumer's own {@code run} is each worker's loop ({@code source.type: none}). */
        NONE
    }

    Placement placement();

    /**
     * Whether a reload may change {@code key} (without its prefix) while this source runs. By default a
     * source that every worker runs takes any change (each worker of the rolling restart reads the new
     * settings) and a source the manager runs takes none (it was built once, at start).
     */
    default boolean reloadable(String key) {
        return placement() != Placement.MANAGER;
    }

    /** For a source the manager runs: requests a worker holds unfinished at most. */
    default int prefetch() {
        return 64;
    }

    /** The manager's instance of a {@link Placement#MANAGER} source; called once per manager run. */
    default ManagerSource managerSource() {
        throw new UnsupportedOperationException("this source is not run by the manager");
    }

    /**
     * A worker's instance of a {@link Placement#WORKERS} source; called once in each worker.
     *
     * @param poolId the pool's id: the host and a hash of the run directory, the same after a restart,
     *     for names in a broker that several pools share
     */
    default WorkerSource workerSource(String poolId) {
        throw new UnsupportedOperationException("this source is not run by workers");
    }
}
