package dev.offstage.local.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one synchronous invocation came to.
 *
 * <p>{@code payload} is what Lambda's {@code Invoke} API would return as the response payload:
 * the function's response for {@link Outcome#SUCCESS}, otherwise the error document
 * ({@code {"errorMessage":…,"errorType":…,"stackTrace":[…]}}). {@code errorType},
 * {@code errorMessage} are empty and {@code stackTrace} is empty for {@link Outcome#SUCCESS}.
 * The payload array is not copied: do not modify it. For an {@link Outcome#INIT_ERROR} whose
 * runtime error document carries no trace, {@code stackTrace} holds the environment's last output
 * lines from the runtime's report of the fault (where the root cause of a failed static
 * initialiser appears).
 *
 * @param requestId the request id the function saw ({@code Context.getAwsRequestId()}); for a
 *     throttled call, the id Lambda would have reported the throttle under
 * @param duration from handing the event to the environment until its answer (Lambda's
 *     {@code Duration}: a cold start's init is not included); zero when the event never reached one
 */
public record Invocation(
        String functionLogicalId,
        String requestId,
        Outcome outcome,
        byte[] payload,
        String errorType,
        String errorMessage,
        List<String> stackTrace,
        Duration duration) {

    /** How the invocation ended. */
    public enum Outcome {
        /** The handler returned; the payload is its response. */
        SUCCESS,
        /** The handler threw (or its environment died while running it); Lambda's {@code FunctionError: Unhandled}. */
        FUNCTION_ERROR,
        /** The function's {@code Timeout} elapsed; its environment was killed. */
        TIMEOUT,
        /**
         * The environment could not initialise: handler class missing, static initialiser or
         * constructor threw, or the process exited before asking for work.
         */
        INIT_ERROR,
        /** The function's concurrency limit was reached: Lambda's 429 {@code TooManyRequestsException}. */
        THROTTLED
    }

    public Invocation {
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(errorMessage, "errorMessage");
        stackTrace = List.copyOf(stackTrace);
        Objects.requireNonNull(duration, "duration");
    }

    /** True when the handler returned normally. */
    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }

    /** The payload decoded as UTF-8. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Invocation[" + functionLogicalId + " " + requestId + " " + outcome
                + (outcome == Outcome.SUCCESS ? "" : " " + errorType + ": " + errorMessage)
                + " in " + duration.toMillis() + " ms]";
    }
}
