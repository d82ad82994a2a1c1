package io.procpool.tcp;

import io.procpool.spi.ManagerSource;
import io.procpool.spi.RequestSink;
import io.procpool.spi.WorkerSource;
import java.util.Map;

/**
 * A {@link TcpServer} as either kind of source: the manager's (process mode) or a worker's (base mode).
 * Called by the thread that runs the source (the supervisor's, or the worker's main thread).
 */
record TcpSource(TcpServer server) implements ManagerSource, WorkerSource {

    @Override
    public void start(RequestSink sink) throws Exception {
        server.start(sink);
    }

    @Override
    public void start(RequestSink sink, int slot) throws Exception {
        server.start(sink);
    }

    @Override
    public void stopAccepting() {
        server.stopAccepting();
    }

    @Override
    public Map<String, Object> stats() {
        return server.stats();
    }

    @Override
    public void close() {
        server.close();
    }
}
