package dev.offstage.shared.logging;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.io.OutputStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Offstage's SLF4J 2 backend, found by SLF4J through {@code ServiceLoader}
 * ({@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}): JSON (or text) lines on stdout
 * with the Lambda invocation's fields, MDC keys, key-values and redaction. Not for direct use.
 *
 * <p>Configuration is read once, when SLF4J initialises, from the process environment
 * ({@link LoggingConfig#from}). A malformed setting does not stop the function — logging must not
 * be what fails it — but is reported by a WARN line and replaced by its default.
 */
public final class OffstageLoggingProvider implements SLF4JServiceProvider {

    /** The SLF4J API version this provider is built against. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public void initialize() {
        initialize(Environment.system(), new Stdout());
    }

    void initialize(Environment environment, OutputStream out) {
        LoggingConfig config;
        String problem = null;
        try {
            config = LoggingConfig.from(environment);
        } catch (ConfigurationException e) {
            problem = e.getMessage();
            config = new LoggingConfig(LoggingConfig.Format.JSON, Level.INFO,
                    environment.optional("AWS_LAMBDA_FUNCTION_NAME").orElse(null),
                    environment.optional("AWS_LAMBDA_FUNCTION_VERSION").orElse(null));
        }
        var writer = new LineWriter(config, out, InvocationScope.LAMBDA, new SystemClock());
        loggerFactory = new OffstageLoggerFactory(writer);
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new ThreadMdc();
        if (problem != null) {
            writer.write(OffstageLoggingProvider.class.getName(), Level.WARN,
                    problem + "; logging as JSON at INFO", null, null);
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }

    /**
     * Whatever {@code System.out} is at the time of writing: the Lambda runtime, or a harness
     * capturing output, may replace it after logging has started.
     */
    private static final class Stdout extends OutputStream {
        @Override
        public void write(int b) {
            System.out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.out.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            System.out.flush();
        }
    }

    /** {@code System::currentTimeMillis} without a method reference's bootstrap at init. */
    private static final class SystemClock implements java.util.function.LongSupplier {
        @Override
        public long getAsLong() {
            return System.currentTimeMillis();
        }
    }
}
