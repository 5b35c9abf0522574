package dev.offstage.local.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

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
        Map<String, BucketSpec> buckets,
        Map<String, SecretSpec> secrets) {

    public Application {
        parameters = Map.copyOf(parameters);
        functions = Map.copyOf(functions);
        tables = Map.copyOf(tables);
        queues = Map.copyOf(queues);
        buckets = Map.copyOf(buckets);
        secrets = Map.copyOf(secrets);
    }

    /** An application without secrets (most tests). */
    public Application(String stackName, Map<String, String> parameters, Map<String, FunctionSpec> functions,
            Map<String, TableSpec> tables, Map<String, QueueSpec> queues, Map<String, BucketSpec> buckets) {
        this(stackName, parameters, functions, tables, queues, buckets, Map.of());
    }

    /**
     * This application with some secrets' local values replaced ({@code --secret LogicalId=value}).
     *
     * @throws IllegalArgumentException naming every logical id that is not a secret of the application
     */
    public Application withSecretValues(Map<String, String> values) {
        var unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(secrets.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--secret names " + String.join(", ", unknown) + ", which "
                    + (unknown.size() == 1 ? "is" : "are") + " not an AWS::SecretsManager::Secret of the template ("
                    + (secrets.isEmpty() ? "it declares none" : "it declares " + String.join(", ", new TreeSet<>(secrets.keySet())))
                    + ")");
        }
        var replaced = new LinkedHashMap<>(secrets);
        values.forEach((id, value) -> replaced.put(id, secrets.get(id).withValue(value)));
        return new Application(stackName, parameters, functions, tables, queues, buckets, replaced);
    }
}
