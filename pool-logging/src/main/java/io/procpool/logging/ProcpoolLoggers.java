package io.procpool.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** The backend's loggers, one per name, made on first use. Any thread. */
final class ProcpoolLoggers implements ILoggerFactory {

    private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return byName.computeIfAbsent(name, ProcpoolLogger::new);
    }
}
