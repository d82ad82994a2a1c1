package io.procpool.spi;

import java.util.List;

/** Where a source hands its requests: the pool runs each on a worker. Thread-safe, never blocks. */
public interface RequestSink {

    void submit(Request request);

    /**
     * Requests fetched together, in order; cheaper than one {@link #submit} each, since the pool
     * queues them (and wakes its delivery thread) once. A source that reads in batches uses this.
     */
    default void submitAll(List<? extends Request> requests) {
        requests.forEach(this::submit);
    }
}
