package io.procpool.tcp;

import io.procpool.spi.SourceConfigException;
import io.procpool.spi.SourceDefinition;
import io.procpool.spi.SourceProvider;
import io.procpool.spi.SourceSettings;

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
    public SourceDefinition define(SourceSettings settings) throws SourceConfigException {
        return TcpSettings.from(settings);
    }
}
