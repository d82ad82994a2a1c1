package io.procpool.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * procpool's SLF4J 2 backend, found by SLF4J through {@code META-INF/services}: loggers that write one
 * line per event to standard error ({@link LogLine}), as text or JSON as {@code procpool.log.format}
 * says. A manager and its workers use it unless a pool's classpath brings a backend of its own. Set up
 * once by SLF4J; its loggers are used from any thread.
 */
public final class ProcpoolLogProvider implements SLF4JServiceProvider {

    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
        loggers = new ProcpoolLoggers();
    }
}
