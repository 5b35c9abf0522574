package dev.offstage.local.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One {@code AWS::Serverless::Function}, after {@code Globals} are applied and intrinsics resolved.
 *
 * @param logicalId the template's logical id, e.g. {@code GitHubWebhookFunction}
 * @param functionName the physical name ({@code FunctionName}, else {@code <stack>-<logicalId>})
 * @param handler {@code package.Class::method} or {@code package.Class}
 * @param codeUri the code module folder, absolute (its build output is {@code target/classes}
 *     plus the jars listed in {@code target/lambda-classpath.txt})
 * @param environment the function's {@code Environment.Variables}, resolved to strings (Lambda refuses
 *     the {@link #RESERVED_VARIABLES} there)
 * @param reservedConcurrency {@code ReservedConcurrentExecutions}, when set
 * @param logging {@code LoggingConfig}, or {@link LoggingSettings#LAMBDA_DEFAULTS}
 * @param snapStart {@code SnapStart.ApplyOn}, or {@link SnapStart#NONE} when not set
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
        AsyncConfig async,
        LoggingSettings logging,
        SnapStart snapStart) {

    /** {@code SnapStart.ApplyOn}: whether published versions start from a snapshot taken after init. */
    public enum SnapStart {
        /** {@code None}, or no {@code SnapStart}: every environment initialises on demand. */
        NONE,
        /**
         * {@code PublishedVersions}: Lambda initialises each published version once, runs the
         * {@code org.crac} {@code beforeCheckpoint} hooks, snapshots the environment, and restores
         * it (running {@code afterRestore}) for each new environment.
         */
        PUBLISHED_VERSIONS
    }

    /**
     * Variables Lambda sets itself and refuses in a function's {@code Environment.Variables}
     * (docs: "Defined runtime environment variables", reserved keys).
     */
    public static final Set<String> RESERVED_VARIABLES = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    public FunctionSpec {
        environment = Map.copyOf(environment);
        events = List.copyOf(events);
    }
}
