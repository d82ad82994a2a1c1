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
 * {@link LogLine}. The levels are read on each event, so a manager that learns its settings after its
 * first loggers exist still applies them. Any thread.
 */
final class ProcpoolLogger extends LegacyAbstractLogger {

    @Serial
    private static final long serialVersionUID = 1L;

    ProcpoolLogger(String name) {
        this.name = name;
    }

    /** The threshold for this logger: the most specific {@code procpool.log.level.<prefix>}, else the default. */
    private Level threshold() {
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
