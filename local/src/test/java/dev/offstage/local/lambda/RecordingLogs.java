package dev.offstage.local.lambda;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A test-only SLF4J provider that keeps every log line in memory, with the MDC as it was when
 * the line was written, so tests can assert what was logged and under which keys.
 *
 * <p>Registered in {@code src/test/resources/META-INF/services}; test classes come first on
 * Surefire's class path, so it wins over any provider on the main class path.
 */
public final class RecordingLogs implements SLF4JServiceProvider {

    /** One log line as the application wrote it. */
    public record Line(Level level, String logger, String message, Throwable error, Map<String, String> mdc) {}

    private static final ConcurrentLinkedQueue<Line> LINES = new ConcurrentLinkedQueue<>();

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Every line logged since the last {@link #clear()}, in order. */
    public static List<Line> lines() {
        return List.copyOf(LINES);
    }

    public static void clear() {
        LINES.clear();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return name -> loggers.computeIfAbsent(name, RecordingLogger::new);
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
    public void initialize() {}

    private static final class RecordingLogger extends LegacyAbstractLogger {

        RecordingLogger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable error) {
            var context = MDC.getCopyOfContextMap();
            LINES.add(new Line(level, name, MessageFormatter.basicArrayFormat(pattern, arguments), error,
                    context == null ? Map.of() : Map.copyOf(context)));
        }

        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isErrorEnabled() { return true; }
    }
}
