package dev.offstage.local.lambda;

/**
 * Invokes a function of the template synchronously, as Lambda's {@code Invoke} API with
 * {@code InvocationType=RequestResponse} does: the event goes to an execution environment as JSON,
 * the call returns when the function has answered, failed, timed out or was throttled.
 *
 * <p>Implementations are thread-safe; concurrent calls run in separate execution environments up
 * to the function's concurrency limit. A failure of the function is an {@link Invocation} outcome,
 * never an exception: exceptions mean the caller asked for something that does not exist
 * ({@link IllegalArgumentException} for an unknown function) or the invoker is closed
 * ({@link IllegalStateException}).
 */
@FunctionalInterface
public interface Invoker {

    /**
     * Runs the function named by its logical id with {@code eventJson} as its event.
     *
     * @param functionLogicalId the template's logical id, e.g. {@code GitHubWebhookFunction}
     * @param eventJson the event, UTF-8 JSON, exactly as Lambda would hand it to the runtime
     */
    Invocation invoke(String functionLogicalId, byte[] eventJson);

    /**
     * Like {@link #invoke(String, byte[])}, naming what triggered the call (e.g. {@code HttpApi:GetBuild},
     * {@code SQS:Posts}) so the invocation log line says it. Invokers that keep no log may ignore it.
     */
    default Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger) {
        return invoke(functionLogicalId, eventJson);
    }

    /**
     * Like {@link #invoke(String, byte[], String)} under a request id the caller chose: the one the
     * function's {@code Context} reports and the invocation log shows, as when Lambda retries an
     * asynchronous event under the id it gave the first attempt. Invokers that assign no ids may
     * ignore it.
     */
    default Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger, String requestId) {
        return invoke(functionLogicalId, eventJson, trigger);
    }
}
