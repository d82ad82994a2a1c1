package io.procpool.logging;

import java.io.Serial;
import java.util.Locale;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One named logger: events at or above the level {@code procpool.log.level} sets ({@code info} unless
 * set; {@code procpool.log.level.<name prefix>} for a logger and those under it) become lines written by
 * {@link LogLine}. The level is read once, when the logger is first asked (the levels are set on the
 * JVM's command line, so they do not change after), which keeps a disabled {@code debug} call on a
 * consumer's hot path cheap; the line's form is read per line, as the manager sets it after its first
 * loggers exist. Any thread.
 */
final class ProcpoolLogger extends LegacyAbstractLogger {

    @Serial
    private static final long serialVersionUID = 1L;

    /** This logger's threshold, once it was first needed; a race only computes it twice. */
    private transient volatile Level threshold;

    ProcpoolLogger(String name) {
        this.name = name;
    }

    private Level threshold() {
        Level t = threshold;
        if (t == null) {
            t = readThreshold();
            threshold = t;
        }
        return t;
    }

    /** The most specific {@code procpool.log.level.<prefix>} for this logger's name, else the default. */
    private Level readThreshold() {
        String n = name;
        while (!n.isEmpty()) {
            String level = System.getProperty("procpool.log.level." + n);
            if (level != null) {
                return parse(level);
            }
            int dot = n.lastIndexOf('.');
            n = dot < 0 ? "" : n.substring(0, dot);
        }
        return parse(System.getProperty("procpool.log.level", "info"));
    }

    private static Level parse(String level) {
        try {
            return Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO; // a misspelt level logs as the default does rather than not at all
        }
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold().toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        LogLine.write(level, name, message, throwable);
    }
}
