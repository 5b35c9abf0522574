package dev.offstage.shared.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J logger that hands events to a {@link LineWriter}. Markers are ignored; key-values of
 * the fluent API ({@code logger.atInfo().addKeyValue(…)}) become fields.
 */
final class OffstageLogger extends AbstractLogger implements LoggingEventAware {

    private static final long serialVersionUID = 1L;

    private final transient LineWriter writer;

    OffstageLogger(String name, LineWriter writer) {
        this.name = name;
        this.writer = writer;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        writer.write(name, level, format(pattern, arguments), null, throwable);
    }

    /** The fluent API's way in: the only path that carries key-values. */
    @Override
    public void log(LoggingEvent event) {
        if (!writer.isEnabled(event.getLevel())) {
            return;
        }
        var arguments = event.getArgumentArray();
        var throwable = event.getThrowable();
        if (throwable == null) {
            // As in the classic API, a trailing Throwable argument is the event's exception.
            throwable = MessageFormatter.getThrowableCandidate(arguments);
            if (throwable != null) {
                arguments = MessageFormatter.trimmedCopy(arguments);
            }
        }
        writer.write(name, event.getLevel(), format(event.getMessage(), arguments), event.getKeyValuePairs(), throwable);
    }

    private static String format(String pattern, Object[] arguments) {
        if (pattern == null) {
            return "";
        }
        return arguments == null || arguments.length == 0 ? pattern : MessageFormatter.basicArrayFormat(pattern, arguments);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return writer.isEnabled(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return writer.isEnabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return writer.isEnabled(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return writer.isEnabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return writer.isEnabled(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return writer.isEnabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return writer.isEnabled(Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return writer.isEnabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return writer.isEnabled(Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return writer.isEnabled(Level.ERROR);
    }
}
