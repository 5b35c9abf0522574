package dev.offstage.local.model;

import java.util.Optional;

/**
 * A function's {@code LoggingConfig}, after {@code Globals} are applied: what Lambda turns into
 * the function's {@code AWS_LAMBDA_LOG_FORMAT}, {@code AWS_LAMBDA_LOG_LEVEL} and
 * {@code AWS_LAMBDA_LOG_GROUP_NAME}. Lambda's default (plain text, no level, the function's own
 * log group) when absent.
 *
 * @param applicationLogLevel {@code ApplicationLogLevel}; only with {@link Format#JSON}
 * @param systemLogLevel {@code SystemLogLevel} ({@code DEBUG}, {@code INFO} or {@code WARN});
 *     only with {@link Format#JSON}. Filters Lambda's own platform lines, which the local runtime
 *     does not write, so it is carried but has no effect
 * @param logGroup {@code LogGroup}, when the function logs somewhere other than
 *     {@code /aws/lambda/<function name>}
 * @throws IllegalArgumentException when a level is given without JSON format (the Lambda API
 *     rejects that configuration)
 */
public record LoggingSettings(Format format, Optional<Level> applicationLogLevel, Optional<Level> systemLogLevel,
        Optional<String> logGroup) {

    public static final LoggingSettings LAMBDA_DEFAULTS =
            new LoggingSettings(Format.TEXT, Optional.empty(), Optional.empty(), Optional.empty());

    public LoggingSettings {
        if (format != Format.JSON && (applicationLogLevel.isPresent() || systemLogLevel.isPresent())) {
            throw new IllegalArgumentException("log levels need the JSON log format");
        }
    }

    /** {@code LogFormat}. */
    public enum Format {
        JSON("JSON"),
        TEXT("Text");

        private final String lambdaName;

        Format(String lambdaName) {
            this.lambdaName = lambdaName;
        }

        /** As Lambda writes it, in the template and in {@code AWS_LAMBDA_LOG_FORMAT}: {@code JSON} or {@code Text}. */
        public String lambdaName() {
            return lambdaName;
        }
    }

    /** Lambda's log levels, most detailed first; their names are what Lambda writes. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, FATAL }
}
