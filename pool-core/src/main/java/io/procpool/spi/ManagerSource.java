package io.procpool.spi;

import java.util.Map;

/**
 * A source the manager runs (TCP in process mode): it accepts and decodes, submits requests,
 * and workers run them. Called by the manager's supervisor thread.
 */
public interface ManagerSource extends AutoCloseable {

    /** Starts taking requests; throws when it cannot (e.g. the port is taken), and the pool does not start. */
    void start(RequestSink sink) throws Exception;

    /** A graceful stop began: take no new requests; those already submitted still finish. */
    void stopAccepting();

    /** Counters for {@code pool status} (connections, frames, errors by kind, ...). */
    Map<String, Object> stats();

    @Override
    void close();
}
