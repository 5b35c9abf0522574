package dev.offstage.local.lambda;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link Invoker#invoke} call.
 *
 * @param payload what the function returned (its response JSON) on {@link Outcome#SUCCESS}; on a
 *     failure, the error document the runtime reported ({@code {"errorMessage":…,"errorType":…}}),
 *     or empty when there was none
 * @param errorType the error's type (e.g. {@code java.lang.IllegalStateException},
 *     {@code Sandbox.Timedout}); empty on success
 * @param errorMessage the error's message; empty on success
 * @param duration how long the invocation took
 */
public record Invocation(Outcome outcome, byte[] payload, String errorType, String errorMessage, Duration duration) {

    public Invocation {
        Objects.requireNonNull(outcome, "outcome");
        payload = payload == null ? new byte[0] : payload;
        errorType = errorType == null ? "" : errorType;
        errorMessage = errorMessage == null ? "" : errorMessage;
        Objects.requireNonNull(duration, "duration");
    }

    /** How an invocation ended, as Lambda distinguishes them. */
    public enum Outcome {
        /** The handler returned; {@link #payload()} is its response. */
        SUCCESS,
        /** The handler threw (Lambda's {@code X-Amz-Function-Error: Unhandled}). */
        FUNCTION_ERROR,
        /** The handler ran past the function's {@code Timeout}. */
        TIMEOUT,
        /** The execution environment failed to start (handler class missing, static initialiser threw). */
        INIT_ERROR,
        /** No execution environment was available within the function's concurrency (Lambda's 429). */
        THROTTLED
    }

    /** A successful invocation that returned {@code payload}. */
    public static Invocation success(byte[] payload, Duration duration) {
        return new Invocation(Outcome.SUCCESS, payload, "", "", duration);
    }

    /** A failed invocation; {@code payload} is the runtime's error document, if any. */
    public static Invocation failure(Outcome outcome, String errorType, String errorMessage, byte[] payload,
            Duration duration) {
        if (outcome == Outcome.SUCCESS) {
            throw new IllegalArgumentException("A failure needs a failure outcome");
        }
        return new Invocation(outcome, payload, errorType, errorMessage, duration);
    }

    /** Whether the function returned normally. */
    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }
}
