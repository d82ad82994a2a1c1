package io.procpool.spi;

/** Where a source hands its requests: the pool runs each on a worker. Thread-safe, never blocks. */
public interface RequestSink {

    void submit(Request request);
}
