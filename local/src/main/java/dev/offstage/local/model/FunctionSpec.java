package dev.offstage.local.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One {@code AWS::Serverless::Function}, after {@code Globals} are applied and intrinsics resolved.
 *
 * @param logicalId the template's logical id, e.g. {@code GitHubWebhookFunction}
 * @param functionName the physical name ({@code FunctionName}, else {@code <stack>-<logicalId>})
 * @param handler {@code package.Class::method} or {@code package.Class}
 * @param codeUri the code module folder, absolute (its build output is {@code target/classes}
 *     plus the jars listed in {@code target/lambda-classpath.txt})
 * @param environment the function's {@code Environment.Variables}, resolved to strings
 * @param reservedConcurrency {@code ReservedConcurrentExecutions}, when set
 */
public record FunctionSpec(
        String logicalId,
        String functionName,
        String handler,
        Path codeUri,
        String runtime,
        int memoryMb,
        Duration timeout,
        Map<String, String> environment,
        OptionalInt reservedConcurrency,
        List<EventSource> events,
        AsyncConfig async) {

    public FunctionSpec {
        environment = Map.copyOf(environment);
        events = List.copyOf(events);
    }
}
