package io.procpool.spi;

import java.util.Map;

/**
 * A source every worker runs for itself (TCP in base mode, Redis, Kafka): its requests run on
 * that worker's delivery path (concurrency, retries, counters). Called by the worker's main thread.
 */
public interface WorkerSource extends AutoCloseable {

    /** Starts taking requests for worker {@code slot}; throws when it cannot, and the worker exits. */
    void start(RequestSink sink, int slot) throws Exception;

    /** The worker is stopping: take no new requests; those already submitted still finish. */
    void stopAccepting();

    Map<String, Object> stats();

    @Override
    void close();
}
