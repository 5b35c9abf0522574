package dev.offstage.ops.aws;

import dev.offstage.ops.Deployment;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/**
 * A {@link Deployment} read from a CloudFormation stack's resources (ListStackResources, every
 * page): queues by URL (an {@code AWS::SQS::Queue}'s physical id), tables and functions by name,
 * and each function's log group — the template's {@code <Function>LogGroup}, else Lambda's default
 * {@code /aws/lambda/<function name>}. Needs {@code cloudformation:ListStackResources}.
 */
public final class StackDeployment {

    static final String LOG_GROUP_SUFFIX = "LogGroup";

    private StackDeployment() {}

    /**
     * @throws StackNotFoundException when the region has no stack of that name
     * @throws software.amazon.awssdk.core.exception.SdkException when CloudFormation cannot be asked
     */
    public static Deployment load(CloudFormationClient cloudFormation, String stackName) {
        var queues = new TreeMap<String, String>();
        var tables = new TreeMap<String, String>();
        var functions = new TreeMap<String, String>();
        var logGroups = new TreeMap<String, String>();
        try {
            for (var resource : cloudFormation.listStackResourcesPaginator(list -> list.stackName(stackName)).stackResourceSummaries()) {
                var id = resource.logicalResourceId();
                var physical = resource.physicalResourceId();
                if (physical == null || physical.isBlank()) {
                    continue; // not created (yet), or deleted
                }
                switch (resource.resourceType()) {
                    case "AWS::SQS::Queue" -> queues.put(id, physical);
                    case "AWS::DynamoDB::Table" -> tables.put(id, physical);
                    case "AWS::Lambda::Function" -> functions.put(id, physical);
                    case "AWS::Logs::LogGroup" -> logGroups.put(functionOf(id), physical);
                    default -> { }
                }
            }
        } catch (CloudFormationException e) {
            // CloudFormation answers a missing stack with a 400 ValidationError "Stack with id X does not exist".
            if (e.statusCode() == 400 && e.getMessage() != null && e.getMessage().contains("does not exist")) {
                throw new StackNotFoundException(stackName, e);
            }
            throw e;
        }
        var groups = new TreeMap<String, String>();
        functions.forEach((id, name) -> groups.put(id, logGroups.getOrDefault(id, "/aws/lambda/" + name)));
        // Log groups of no function of the stack stay under their own logical id.
        logGroups.forEach(groups::putIfAbsent);
        return new Deployment(stackName, queues, tables, functions, Map.copyOf(groups));
    }

    private static String functionOf(String logGroupLogicalId) {
        return logGroupLogicalId.endsWith(LOG_GROUP_SUFFIX) && logGroupLogicalId.length() > LOG_GROUP_SUFFIX.length()
                ? logGroupLogicalId.substring(0, logGroupLogicalId.length() - LOG_GROUP_SUFFIX.length())
                : logGroupLogicalId;
    }
}
