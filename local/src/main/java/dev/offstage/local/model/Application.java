package dev.offstage.local.model;

import java.util.Map;

/**
 * A resolved template: every resource under its logical id, with local physical names.
 *
 * @param stackName the stack name used to derive physical names ({@code <stack>-<LogicalId>...})
 * @param parameters parameter values after defaults and overrides, as CloudFormation shows them:
 *     lists joined with commas, {@code NoEcho} values as {@code ****} (functions still receive the
 *     real value through their resolved environment)
 */
public record Application(
        String stackName,
        Map<String, String> parameters,
        Map<String, FunctionSpec> functions,
        Map<String, TableSpec> tables,
        Map<String, QueueSpec> queues,
        Map<String, BucketSpec> buckets) {

    public Application {
        parameters = Map.copyOf(parameters);
        functions = Map.copyOf(functions);
        tables = Map.copyOf(tables);
        queues = Map.copyOf(queues);
        buckets = Map.copyOf(buckets);
    }
}
