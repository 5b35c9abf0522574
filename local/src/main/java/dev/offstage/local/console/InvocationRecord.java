package dev.offstage.local.console;

import dev.offstage.local.lambda.Invocation;
import java.time.Instant;

/**
 * One invocation of a function as the console lists it.
 *
 * @param function     the function's logical id
 * @param requestId    the request id the function saw
 * @param trigger      what kind of caller: {@code http}, {@code sqs}, {@code s3}, {@code async} or {@code direct}
 * @param source       the caller in detail, e.g. {@code GET /builds/{id}} or {@code sqs:jobs (3 messages)};
 *                     {@code null} when the caller gave none
 * @param startedAt    when the call began
 * @param durationMs   the function's duration (Lambda's {@code Duration}, no init), 0 when it never ran
 * @param outcome      {@code OK}, {@code ERROR}, {@code TIMEOUT}, {@code INIT_ERROR} or {@code THROTTLED}
 * @param errorType    the error's type, {@code null} when OK
 * @param errorMessage the error's message, {@code null} when OK
 */
public record InvocationRecord(String function, String requestId, String trigger, String source, Instant startedAt,
        long durationMs, String outcome, String errorType, String errorMessage) {

    /** The console's name for an invocation's outcome. */
    static String outcomeOf(Invocation.Outcome outcome) {
        return switch (outcome) {
            case SUCCESS -> "OK";
            case FUNCTION_ERROR -> "ERROR";
            case TIMEOUT -> "TIMEOUT";
            case INIT_ERROR -> "INIT_ERROR";
            case THROTTLED -> "THROTTLED";
        };
    }
}
