package dev.offstage.shared.logging;

/**
 * The invocation under way in this execution environment, as the logging backend sees it.
 *
 * <p>Held in a volatile field, not a thread-local: Lambda runs one invocation at a time per
 * environment, and records processed on other threads (the batch processor's virtual threads)
 * must carry the same request id. Thread-safe.
 */
final class InvocationScope {

    /** The scope of the real execution environment: what {@link LambdaLogging} and the provider share. */
    static final InvocationScope LAMBDA = new InvocationScope();

    /**
     * What an invocation contributes to each line; {@code null} members are left out.
     *
     * @param sequence which {@link #begin} made it: 0 outside any invocation
     * @param coldStart {@code null} outside an invocation, so init lines carry no cold_start
     */
    record Fields(long sequence, String functionName, String functionVersion, String requestId,
                  Boolean coldStart, String traceId, String correlationId) {

        static final Fields NONE = new Fields(0, null, null, null, null, null, null);

        Fields withCorrelationId(String id) {
            return new Fields(sequence, functionName, functionVersion, requestId, coldStart, traceId, id);
        }
    }

    private final Object lock = new Object();
    private long begun;
    private volatile Fields current = Fields.NONE;

    /** The fields to add to a line written now. */
    Fields current() {
        return current;
    }

    /**
     * Starts an invocation; the first one in this scope is the cold start. A {@code traceHeader}
     * is X-Ray's {@code Root=…;Parent=…;Sampled=…} (only {@code Root} is kept) or a bare trace id.
     */
    LambdaLogging.Invocation begin(String functionName, String functionVersion, String requestId, String traceHeader) {
        synchronized (lock) {
            begun++;
            current = new Fields(begun, functionName, functionVersion, requestId, begun == 1,
                    traceRoot(traceHeader), null);
            return new LambdaLogging.Invocation(this, current);
        }
    }

    /** Ends the invocation that {@code fields} began, unless a later one has already begun. */
    void end(Fields fields) {
        synchronized (lock) {
            if (current.sequence() == fields.sequence()) {
                current = Fields.NONE;
            }
        }
    }

    /** Sets the correlation id of the current invocation (or of the init phase, outside one). */
    void correlationId(String id) {
        synchronized (lock) {
            current = current.withCorrelationId(id == null || id.isBlank() ? null : id);
        }
    }

    static String traceRoot(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        for (var part : header.split(";")) {
            var trimmed = part.strip();
            if (trimmed.startsWith("Root=")) {
                var root = trimmed.substring("Root=".length());
                return root.isEmpty() ? null : root;
            }
        }
        return header.contains("=") ? null : header.strip();
    }
}
