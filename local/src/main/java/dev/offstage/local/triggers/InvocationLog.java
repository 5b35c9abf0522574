package dev.offstage.local.triggers;

import dev.offstage.local.lambda.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** One log line per invocation a trigger makes: function, trigger, outcome and duration, as key-value pairs. */
final class InvocationLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.offstage.local.invocations");

    private InvocationLog() {}

    /**
     * @param trigger what caused the invocation, e.g. {@code GET /builds/{id}}, {@code sqs:builds},
     *     {@code s3:uploads (attempt 2)}
     */
    static void log(String functionLogicalId, String trigger, Invocation invocation) {
        var level = switch (invocation.outcome()) {
            case SUCCESS -> Level.INFO;
            case THROTTLED -> Level.WARN;
            case FUNCTION_ERROR, TIMEOUT, INIT_ERROR -> Level.ERROR;
        };
        var line = LOG.atLevel(level)
                .addKeyValue("function", functionLogicalId)
                .addKeyValue("trigger", trigger)
                .addKeyValue("outcome", invocation.outcome())
                .addKeyValue("durationMs", invocation.duration().toMillis());
        if (!invocation.succeeded() && !invocation.errorType().isEmpty()) {
            line = line.addKeyValue("errorType", invocation.errorType()).addKeyValue("errorMessage", invocation.errorMessage());
        }
        line.log("{} ← {}: {} in {} ms", functionLogicalId, trigger, invocation.outcome(), invocation.duration().toMillis());
    }
}
