package dev.offstage.shared.logging;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * How the logging backend writes: format, threshold, and the function's identity for lines
 * written outside an invocation (init phase). Read once, at init, by the SLF4J provider.
 *
 * @param format          {@link Format#JSON} or {@link Format#TEXT}
 * @param level           lines below this level are dropped
 * @param functionName    {@code AWS_LAMBDA_FUNCTION_NAME}, or {@code null} outside Lambda
 * @param functionVersion {@code AWS_LAMBDA_FUNCTION_VERSION}, or {@code null} outside Lambda
 */
public record LoggingConfig(Format format, Level level, String functionName, String functionVersion) {

    /** Lambda's setting for the log format ({@code LoggingConfig.LogFormat} in the template). */
    public static final String LOG_FORMAT = "AWS_LAMBDA_LOG_FORMAT";
    /** Lambda's setting for the application log level ({@code ApplicationLogLevel}). */
    public static final String LOG_LEVEL = "AWS_LAMBDA_LOG_LEVEL";

    /** Line format. */
    public enum Format {
        /** One JSON object per line: what CloudWatch Logs Insights and Lambda's level filter read. */
        JSON,
        /** One readable line per event, for people reading a terminal. */
        TEXT
    }

    public LoggingConfig {
        if (format == null || level == null) {
            throw new IllegalArgumentException("format and level are required");
        }
    }

    /** JSON at INFO, with no function identity: the configuration of tests and plain JVMs. */
    public static LoggingConfig defaults() {
        return new LoggingConfig(Format.JSON, Level.INFO, null, null);
    }

    /**
     * Reads {@value #LOG_FORMAT} ({@code JSON} or {@code Text}, any case; default JSON — Offstage
     * promises JSON lines, and Lambda sets the variable itself wherever it matters) and
     * {@value #LOG_LEVEL} ({@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR},
     * {@code FATAL}; default INFO). SLF4J has no FATAL, so FATAL keeps errors only.
     *
     * @throws ConfigurationException naming the variable when a value is not one of those
     */
    public static LoggingConfig from(Environment environment) {
        var format = switch (environment.get(LOG_FORMAT, "JSON").toUpperCase(Locale.ROOT)) {
            case "JSON" -> Format.JSON;
            case "TEXT" -> Format.TEXT;
            default -> throw new ConfigurationException(
                    "Environment variable " + LOG_FORMAT + " must be JSON or Text, was '"
                            + environment.get(LOG_FORMAT, "") + "'");
        };
        var level = switch (environment.get(LOG_LEVEL, "INFO").toUpperCase(Locale.ROOT)) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR", "FATAL" -> Level.ERROR;
            default -> throw new ConfigurationException(
                    "Environment variable " + LOG_LEVEL + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, was '"
                            + environment.get(LOG_LEVEL, "") + "'");
        };
        return new LoggingConfig(format, level,
                environment.optional("AWS_LAMBDA_FUNCTION_NAME").orElse(null),
                environment.optional("AWS_LAMBDA_FUNCTION_VERSION").orElse(null));
    }
}
