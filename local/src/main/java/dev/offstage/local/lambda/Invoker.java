package dev.offstage.local.lambda;

/**
 * Runs one invocation of a function of the application, synchronously, the way Lambda's
 * {@code Invoke} API does with {@code InvocationType=RequestResponse}. The triggers (HTTP API,
 * SQS event source mappings, S3 notifications, asynchronous invocation) all call this.
 *
 * <p>Thread-safe: triggers call it from many threads at once; an implementation that has no
 * free execution environment within the function's concurrency answers
 * {@link Invocation.Outcome#THROTTLED} rather than waiting.
 */
@FunctionalInterface
public interface Invoker {

    /**
     * Invokes {@code functionLogicalId} with {@code eventJson} as its event and waits for the outcome.
     * A function's failure is an outcome, never an exception.
     *
     * @throws IllegalArgumentException when the application has no such function
     */
    Invocation invoke(String functionLogicalId, byte[] eventJson);
}
