package dev.offstage.shared.logging;

import com.amazonaws.services.lambda.runtime.Context;
import dev.offstage.shared.config.Environment;

/**
 * Ties log lines to the Lambda invocation they belong to. Callers log through SLF4J; this class
 * only says which invocation is under way and which unit of work it serves.
 *
 * <pre>{@code
 * public Response handleRequest(Event event, Context context) {
 *     try (var _ = LambdaLogging.begin(context)) {
 *         LambdaLogging.correlationId(event.deliveryId());
 *         LOG.info("build queued");   // carries function_request_id, cold_start, correlation_id, …
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Invocation fields are visible on every thread until the invocation is closed: Lambda runs
 * one invocation at a time per environment, and work fanned out to other threads (virtual threads
 * of the batch processor) belongs to it. Per-record values — a message id, a record's own
 * correlation id — go in the thread's SLF4J {@link org.slf4j.MDC} instead; an MDC
 * {@value #CORRELATION_ID} wins over the invocation's.
 *
 * <p>One caveat follows from that choice: several functions run concurrently in one JVM (as the
 * local runtime may do) share these fields.
 */
public final class LambdaLogging {

    /** The log field, and MDC key, of the correlation id. */
    public static final String CORRELATION_ID = "correlation_id";

    /** Where Lambda's Java runtime puts each invocation's X-Ray trace header. */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    /** Where Lambda puts the trace header in the environment (frozen at JVM start in Java). */
    static final String TRACE_HEADER_VARIABLE = "_X_AMZN_TRACE_ID";

    private LambdaLogging() {}

    /**
     * Starts logging for an invocation: from now until {@link Invocation#close()} every line, from
     * any thread, carries the function's name, version, request id, whether this is the cold start
     * (the first invocation in this JVM) and the X-Ray trace id ({@code Root} of the trace header).
     * A later {@code begin} replaces an invocation that was never closed.
     *
     * @param context the invocation's context, as Lambda passes it to the handler; not null
     */
    public static Invocation begin(Context context) {
        return begin(InvocationScope.LAMBDA, context);
    }

    /**
     * Sets the correlation id that follows this unit of work across hops (a webhook delivery id,
     * a post id, an S3 key) for the rest of the current invocation, on every thread. {@code null}
     * or blank clears it. Before any invocation it applies to lines of the init phase.
     */
    public static void correlationId(String correlationId) {
        InvocationScope.LAMBDA.correlationId(correlationId);
    }

    static Invocation begin(InvocationScope scope, Context context) {
        return scope.begin(context.getFunctionName(), context.getFunctionVersion(),
                context.getAwsRequestId(), traceHeader(context));
    }

    private static String traceHeader(Context context) {
        var fromContext = context.getXrayTraceId();
        if (fromContext != null && !fromContext.isBlank()) {
            return fromContext;
        }
        var fromRuntime = System.getProperty(TRACE_HEADER_PROPERTY);
        if (fromRuntime != null && !fromRuntime.isBlank()) {
            return fromRuntime;
        }
        return Environment.system().optional(TRACE_HEADER_VARIABLE).orElse(null);
    }

    /**
     * An invocation being logged; closing it removes its fields from lines written afterwards.
     * Closing twice, or after a later invocation began, does nothing.
     */
    public static final class Invocation implements AutoCloseable {

        private final InvocationScope scope;
        private final InvocationScope.Fields fields;

        Invocation(InvocationScope scope, InvocationScope.Fields fields) {
            this.scope = scope;
            this.fields = fields;
        }

        /** Whether this is the first invocation in this JVM. */
        public boolean coldStart() {
            return Boolean.TRUE.equals(fields.coldStart());
        }

        /** The Lambda request id, or {@code null} when the context had none. */
        public String requestId() {
            return fields.requestId();
        }

        @Override
        public void close() {
            scope.end(fields);
        }
    }
}
