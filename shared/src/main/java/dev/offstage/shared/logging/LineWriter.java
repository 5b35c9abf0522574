package dev.offstage.shared.logging;

import dev.offstage.shared.json.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * Turns one logging event into one line and writes it: the whole of Offstage's logging backend
 * below the SLF4J plumbing. Thread-safe.
 *
 * <p>Each line is a single {@code write} of its bytes, newline included, under a lock, so lines
 * from concurrent threads never interleave. Nothing here throws to the caller: a line that cannot
 * be built is replaced by a short error line that carries no user data.
 */
final class LineWriter {

    private final LoggingConfig config;
    private final OutputStream out;
    private final InvocationScope scope;
    private final LongSupplier clock;
    private final int threshold;
    private final Object lock = new Object();

    /**
     * @param clock epoch milliseconds; a {@code LongSupplier} rather than a {@code Clock} so the
     *              first line does not initialise {@code java.time}
     */
    LineWriter(LoggingConfig config, OutputStream out, InvocationScope scope, LongSupplier clock) {
        this.config = config;
        this.out = out;
        this.scope = scope;
        this.clock = clock;
        this.threshold = config.level().toInt();
    }

    boolean isEnabled(Level level) {
        return level.toInt() >= threshold;
    }

    /**
     * Writes one line if {@code level} is enabled.
     *
     * @param message   the message with its arguments already substituted
     * @param keyValues SLF4J 2 fluent key-values, or {@code null}
     * @param error     the event's throwable, or {@code null}
     */
    void write(String logger, Level level, String message, List<KeyValuePair> keyValues, Throwable error) {
        if (!isEnabled(level)) {
            return;
        }
        long now = clock.getAsLong();
        byte[] line;
        try {
            var text = new StringBuilder(256);
            if (config.format() == LoggingConfig.Format.JSON) {
                json(text, now, logger, level, message, ThreadMdc.current(), keyValues, error);
            } else {
                text(text, now, logger, level, message, ThreadMdc.current(), keyValues, error);
            }
            line = text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        } catch (Exception | LinkageError | StackOverflowError e) {
            line = failure(now, logger, level, e);
        }
        synchronized (lock) {
            try {
                out.write(line);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // Nowhere left to report it: stdout is where reports go.
            }
        }
    }

    private void json(StringBuilder text, long now, String logger, Level level, String message,
                      Map<String, String> mdc, List<KeyValuePair> keyValues, Throwable error) {
        var fields = scope.current();
        var json = new JsonWriter(text).beginObject();
        json.name("timestamp").value(IsoTimestamp.format(now));
        json.name("level").value(level.name());
        json.name("message").value(Redaction.mask(message));
        json.name("logger").value(Redaction.mask(logger));
        optional(json, "function_name", fields.functionName() != null ? fields.functionName() : config.functionName());
        optional(json, "function_version", fields.functionVersion() != null ? fields.functionVersion() : config.functionVersion());
        optional(json, "function_request_id", fields.requestId());
        if (fields.coldStart() != null) {
            json.name("cold_start").value(fields.coldStart().booleanValue());
        }
        optional(json, "xray_trace_id", fields.traceId());
        var correlationId = mdc.get(LambdaLogging.CORRELATION_ID);
        optional(json, LambdaLogging.CORRELATION_ID, correlationId != null ? correlationId : fields.correlationId());

        for (var entry : mdc.entrySet()) {
            var key = entry.getKey();
            if (!isWrittenByLine(key, fields, error) && !hasKey(keyValues, key)) {
                json.name(Redaction.mask(key));
                if (Redaction.isSecretKey(key)) {
                    json.value(Redaction.MASK);
                } else {
                    json.value(Redaction.mask(entry.getValue()));
                }
            }
        }
        if (keyValues != null) {
            for (var pair : keyValues) {
                if (pair.key != null && !isWrittenByLine(pair.key, fields, error)) {
                    json.name(Redaction.mask(pair.key));
                    if (Redaction.isSecretKey(pair.key)) {
                        json.value(Redaction.MASK);
                    } else {
                        typedValue(json, pair.value);
                    }
                }
            }
        }
        if (error != null) {
            json.name("error_type").value(error.getClass().getName());
            optional(json, "error_message", Redaction.mask(error.getMessage()));
            json.name("stack_trace").value(Redaction.mask(stackTrace(error)));
        }
        json.endObject();
    }

    /** One readable line: {@code time LEVEL request-id logger - message key=value… error}. */
    private void text(StringBuilder text, long now, String logger, Level level, String message,
                      Map<String, String> mdc, List<KeyValuePair> keyValues, Throwable error) {
        var fields = scope.current();
        IsoTimestamp.append(text, now);
        text.append(' ').append(level.name());
        if (level.name().length() == 4) {
            text.append(' ');
        }
        text.append(' ').append(fields.requestId() != null ? fields.requestId() : "-");
        text.append(' ').append(Redaction.mask(logger)).append(" - ");
        appendOneLine(text, Redaction.mask(message));
        if (Boolean.TRUE.equals(fields.coldStart())) {
            text.append(" cold_start=true");
        }
        var correlationId = mdc.get(LambdaLogging.CORRELATION_ID);
        if (correlationId == null) {
            correlationId = fields.correlationId();
        }
        if (correlationId != null) {
            textField(text, LambdaLogging.CORRELATION_ID, correlationId);
        }
        for (var entry : mdc.entrySet()) {
            var key = entry.getKey();
            if (!isWrittenByLine(key, fields, error) && !hasKey(keyValues, key)) {
                textField(text, key, Redaction.isSecretKey(key) ? Redaction.MASK : entry.getValue());
            }
        }
        if (keyValues != null) {
            for (var pair : keyValues) {
                if (pair.key != null && !isWrittenByLine(pair.key, fields, error)) {
                    textField(text, pair.key, Redaction.isSecretKey(pair.key) ? Redaction.MASK : safeToString(pair.value));
                }
            }
        }
        if (error != null) {
            text.append(' ');
            appendOneLine(text, Redaction.mask(stackTrace(error)));
        }
    }

    private static void textField(StringBuilder text, String key, String value) {
        text.append(' ').append(Redaction.mask(key)).append('=');
        var masked = Redaction.mask(value);
        if (masked == null) {
            text.append("null");
        } else if (needsQuotes(masked)) {
            JsonWriter.appendQuoted(text, masked);
        } else {
            text.append(masked);
        }
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '=') {
                return true;
            }
        }
        return false;
    }

    /** Appends {@code value} with line breaks written as {@code \n} and {@code \r}, so it stays one line. */
    private static void appendOneLine(StringBuilder text, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }

    /**
     * Whether the line sets field {@code key} itself, in which case an MDC or key-value entry of
     * that name is dropped: callers cannot forge the level or the request id. Where the line has
     * no such field (no invocation, no exception), the caller's entry is kept.
     */
    private boolean isWrittenByLine(String key, InvocationScope.Fields fields, Throwable error) {
        return switch (key) {
            case "timestamp", "level", "message", "logger", LambdaLogging.CORRELATION_ID -> true;
            case "function_name" -> fields.functionName() != null || config.functionName() != null;
            case "function_version" -> fields.functionVersion() != null || config.functionVersion() != null;
            case "function_request_id" -> fields.requestId() != null;
            case "cold_start" -> fields.coldStart() != null;
            case "xray_trace_id" -> fields.traceId() != null;
            case "error_type", "error_message", "stack_trace" -> error != null;
            default -> false;
        };
    }

    private static void optional(JsonWriter json, String name, String value) {
        if (value != null) {
            json.name(name).value(Redaction.mask(value));
        }
    }

    private static boolean hasKey(List<KeyValuePair> keyValues, String key) {
        if (keyValues == null) {
            return false;
        }
        for (var pair : keyValues) {
            if (key.equals(pair.key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Numbers and booleans stay JSON numbers and booleans, so Logs Insights can compare them; a
     * number that spells a registered secret is masked like any string.
     */
    private static void typedValue(JsonWriter json, Object value) {
        if (value == null) {
            json.nullValue();
        } else if (value instanceof Boolean flag) {
            json.value(flag.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            var digits = value.toString();
            var masked = Redaction.mask(digits);
            if (masked == digits) {
                json.value(((Number) value).longValue());
            } else {
                json.value(masked);
            }
        } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            var digits = value.toString();
            var masked = Redaction.mask(digits);
            if (masked == digits) {
                json.value(((Number) value).doubleValue());
            } else {
                json.value(masked);
            }
        } else {
            json.value(Redaction.mask(safeToString(value)));
        }
    }

    private static String safeToString(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return String.valueOf(value);
        } catch (Exception | StackOverflowError e) {
            return "[toString() of " + value.getClass().getName() + " failed: " + e.getClass().getName() + "]";
        }
    }

    private static String stackTrace(Throwable error) {
        var trace = new StringWriter(1024);
        try (var printer = new PrintWriter(trace)) {
            error.printStackTrace(printer);
        }
        var text = trace.getBuffer();
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    /** The line written instead of one that failed to build: no message, no fields, no user data. */
    private byte[] failure(long now, String logger, Level level, Throwable failure) {
        var text = new StringBuilder(160);
        if (config.format() == LoggingConfig.Format.JSON) {
            new JsonWriter(text).beginObject()
                    .name("timestamp").value(IsoTimestamp.format(now))
                    .name("level").value(level.name())
                    .name("message").value("log line dropped: building it failed")
                    .name("logger").value(Redaction.mask(logger))
                    .name("error_type").value(failure.getClass().getName())
                    .endObject();
        } else {
            IsoTimestamp.append(text, now);
            text.append(' ').append(level.name()).append(" - ").append(Redaction.mask(logger))
                    .append(" - log line dropped: building it failed (").append(failure.getClass().getName()).append(')');
        }
        return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
