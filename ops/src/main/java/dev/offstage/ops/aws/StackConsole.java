package dev.offstage.ops.aws;

import dev.offstage.ops.ConsoleSession;
import dev.offstage.ops.OpsConsole;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * The ops console on a deployed stack: its resources from CloudFormation, queues and tables
 * through SQS and DynamoDB, ages from CloudWatch metrics, errors from Logs Insights. Clients come
 * from the toolkit's {@link AwsClients}: region and credentials from the environment (the SDK's
 * default chain: profile, SSO, instance role...), endpoints from {@code AWS_ENDPOINT_URL_<SERVICE>}.
 */
public final class StackConsole {

    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    static final Duration MAX_QUERY_WAIT = Duration.ofSeconds(30);

    private StackConsole() {}

    /**
     * @param environment the process environment, with {@code AWS_REGION} set
     * @throws StackNotFoundException when the region has no such stack
     * @throws software.amazon.awssdk.core.exception.SdkException when CloudFormation cannot be asked
     */
    public static ConsoleSession open(String stackName, Environment environment, Clock clock) {
        var aws = AwsClients.from(environment);
        CloudFormationClient cloudFormation = null;
        CloudWatchClient cloudWatch = null;
        CloudWatchLogsClient logs = null;
        try {
            cloudFormation = aws.configure(CloudFormationClient.builder(), "CLOUDFORMATION").build();
            var deployment = StackDeployment.load(cloudFormation, stackName);
            cloudWatch = aws.configure(CloudWatchClient.builder(), "CLOUDWATCH").build();
            logs = aws.configure(CloudWatchLogsClient.builder(), "CLOUDWATCH_LOGS").build();
            var console = new OpsConsole(deployment, aws.sqs(), aws.dynamoDb(), new CloudWatchQueueAges(cloudWatch, clock),
                    new LogsInsightsErrorLog(logs, deployment.logGroups(), clock, POLL_INTERVAL, MAX_QUERY_WAIT));
            return new ConsoleSession("stack " + stackName + " (" + aws.region() + ")", console,
                    List.of(cloudFormation, cloudWatch, logs, aws));
        } catch (RuntimeException e) {
            for (AutoCloseable client : new AutoCloseable[] {cloudFormation, cloudWatch, logs}) {
                if (client != null) {
                    try {
                        client.close();
                    } catch (Exception ignored) {
                        // already failing
                    }
                }
            }
            aws.close();
            throw e;
        }
    }
}
