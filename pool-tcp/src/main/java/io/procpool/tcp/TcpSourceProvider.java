package io.procpool.tcp;

import io.procpool.spi.ManagerSource;
import io.procpool.spi.RequestSink;
import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.WorkerSource;
import java.util.Map;

/**
 * {@code source.type: tcp}: in process mode the manager listens and workers get requests over
 * IPC; in base mode every worker listens on the shared port itself. Stateless; any thread.
 */
public final class TcpSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public void validate(Map<String, String> settings) throws SourceConfigException {
        TcpSettings.from(settings);
    }

    @Override
    public boolean managerFed(Map<String, String> settings) {
        return !"base".equals(settings.get("mode"));
    }

    @Override
    public ManagerSource managerSource(Map<String, String> settings) {
        return new TcpSource(new TcpServer(parse(settings), Math.max(1, Runtime.getRuntime().availableProcessors())));
    }

    @Override
    public WorkerSource workerSource(Map<String, String> settings) {
        return new TcpSource(new TcpServer(parse(settings), 1));
    }

    /** A {@link TcpServer} as either kind of source: the manager's (process mode) or a worker's (base mode). */
    private record TcpSource(TcpServer server) implements ManagerSource, WorkerSource {
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

    private static TcpSettings parse(Map<String, String> settings) {
        try {
            return TcpSettings.from(settings);
        } catch (SourceConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // validated at start; only a bug gets here
        }
    }
}
