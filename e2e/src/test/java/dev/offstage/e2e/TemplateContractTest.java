package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code template.yaml} keeps the promises its schema cannot check
 * ({@link TemplateContract}), and each check fails, naming the resource, on a template that breaks
 * it. The function modules must be built (their {@code target/classes}): this module is built
 * after them. Tests run in the repository root.
 */
class TemplateContractTest {

    private static TemplateContract repository;

    @BeforeAll
    static void readTheRepositoryTemplate() {
        repository = TemplateContract.read(Path.of("template.yaml"), Path.of("docs/operations.md"));
    }

    @Test
    void everyHandlerLivesInItsModuleAndTakesItsTriggersEvents() {
        assertThat(repository.handlersLiveInTheirModuleAndTakeTheirTriggersEvents()).isEmpty();
    }

    @Test
    void everyEnvironmentVariableTheCodeRequiresIsSetAndEverySetOneIsRead() {
        assertThat(repository.environmentVariablesTheCodeReadsAreSet()).isEmpty();
    }

    @Test
    void requiredVariablesAreFoundPerFunctionNotPerModule() {
        // The CI functions share CiConfig; only the runner calls artifactsBucket().
        assertThat(repository.variablesRequiredBy("GitHubWebhookFunction"))
                .contains("CI_WEBHOOK_SECRET_ID", "CI_BUILDS_QUEUE_URL", "CI_BUILDS_TABLE", "OFFSTAGE_IDEMPOTENCY_TABLE")
                .doesNotContain("CI_ARTIFACTS_BUCKET", "CI_GITHUB_CREDENTIALS_ID");
        assertThat(repository.variablesRequiredBy("BuildRunnerFunction"))
                .contains("CI_ARTIFACTS_BUCKET", "CI_GITHUB_CREDENTIALS_ID", "CI_BUILDS_TABLE")
                .doesNotContain("CI_WEBHOOK_SECRET_ID", "CI_BUILDS_QUEUE_URL");
        // Through a helper given the name: VideoSetup.queue(SEGMENTS_QUEUE_URL).
        assertThat(repository.variablesRequiredBy("VideoTranscoderFunction")).contains("VIDEO_SEGMENTS_QUEUE_URL", "VIDEOS_TABLE");
    }

    @Test
    void everyQueueHasADeadLetterQueueOrIsOne() {
        assertThat(repository.everyQueueHasADeadLetterQueueOrIsOne()).isEmpty();
    }

    @Test
    void everyQueueIsWatchedByAnAlarm() {
        assertThat(repository.everyQueueHasAnAlarm()).isEmpty();
    }

    @Test
    void everyFunctionHasErrorsAndThrottlesAlarms() {
        assertThat(repository.everyFunctionHasErrorsAndThrottlesAlarms()).isEmpty();
    }

    @Test
    void everyVisibilityTimeoutIsSixTimesItsConsumersTimeout() {
        assertThat(repository.visibilityTimeoutsAreSixTimesTheConsumersTimeout()).isEmpty();
    }

    @Test
    void noPolicyGrantsEveryResourceOutsideTheDocumentedExceptions() {
        assertThat(repository.wildcardGrantsAreTheDocumentedExceptions()).isEmpty();
    }

    @Test
    void queuesTopicsBucketsAndTablesAreEncryptedPrivateAndExpire() {
        assertThat(repository.storageIsEncryptedPrivateAndBounded()).isEmpty();
    }

    @Test
    void everyAsyncInvocationHasRetriesAndAnOnFailureDestination() {
        assertThat(repository.asyncInvocationsHaveRetriesAndAnOnFailureDestination()).isEmpty();
    }

    /** Small broken templates: each check names what is wrong. */
    @Nested
    class BrokenTemplates {

        @TempDir
        Path folder;

        private TemplateContract contract(String resources, String operations) throws Exception {
            // A module folder the local reader accepts; no code in it.
            Files.createDirectories(folder.resolve("fn"));
            Files.writeString(folder.resolve("fn/pom.xml"), "<project/>");
            var template = folder.resolve("template.yaml");
            Files.writeString(template, """
                    AWSTemplateFormatVersion: "2010-09-09"
                    Transform: AWS::Serverless-2016-10-31
                    Globals:
                      Function:
                        Runtime: java25
                        Timeout: 30
                    Resources:
                    """ + resources.indent(2));
            var page = folder.resolve("operations.md");
            Files.writeString(page, operations);
            return TemplateContract.read(template, page);
        }

        private TemplateContract contract(String resources) throws Exception {
            return contract(resources, """
                    ## IAM exceptions

                    | Function | Action | Why |
                    |---|---|---|
                    """);
        }

        @Test
        void aQueueWithoutRedrivePolicyThatNoOneDeadLettersToIsReported() throws Exception {
            var contract = contract("""
                    Lonely:
                      Type: AWS::SQS::Queue
                      Properties:
                        SqsManagedSseEnabled: true
                    """);

            assertThat(contract.everyQueueHasADeadLetterQueueOrIsOne()).containsExactly(
                    "Lonely: has no RedrivePolicy and is no dead-letter queue (no RedrivePolicy or OnFailure destination targets it)");
            assertThat(contract.everyQueueHasAnAlarm()).containsExactly(
                    "Lonely: no AWS::CloudWatch::Alarm watches it (an AWS/SQS metric with dimension QueueName: !GetAtt Lonely.QueueName)");
        }

        @Test
        void aDeadLetterQueueWithAnAlarmPasses() throws Exception {
            var contract = contract("""
                    WorkDeadLetterQueue:
                      Type: AWS::SQS::Queue
                      Properties: {SqsManagedSseEnabled: true}
                    WorkQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        SqsManagedSseEnabled: true
                        RedrivePolicy: {deadLetterTargetArn: !GetAtt WorkDeadLetterQueue.Arn, maxReceiveCount: 3}
                    WorkDeadLetterQueueMessagesAlarm:
                      Type: AWS::CloudWatch::Alarm
                      Properties:
                        Namespace: AWS/SQS
                        MetricName: ApproximateNumberOfMessagesVisible
                        Dimensions: [{Name: QueueName, Value: !GetAtt WorkDeadLetterQueue.QueueName}]
                        Statistic: Maximum
                        Period: 60
                        EvaluationPeriods: 1
                        Threshold: 0
                        ComparisonOperator: GreaterThanThreshold
                    WorkQueueAgeAlarm:
                      Type: AWS::CloudWatch::Alarm
                      Properties:
                        Metrics:
                          - Id: age
                            MetricStat:
                              Metric:
                                Namespace: AWS/SQS
                                MetricName: ApproximateAgeOfOldestMessage
                                Dimensions: [{Name: QueueName, Value: !Ref WorkQueue}]
                              Period: 60
                              Stat: Maximum
                        EvaluationPeriods: 1
                        Threshold: 600
                        ComparisonOperator: GreaterThanThreshold
                    """);

            assertThat(contract.everyQueueHasADeadLetterQueueOrIsOne()).isEmpty();
            // WorkQueueAgeAlarm names the queue by its URL (!Ref): CloudWatch has no such queue name.
            assertThat(contract.everyQueueHasAnAlarm()).containsExactly(
                    "WorkQueue: no AWS::CloudWatch::Alarm watches it (an AWS/SQS metric with dimension QueueName: !GetAtt WorkQueue.QueueName)");
            assertThat(contract.storageIsEncryptedPrivateAndBounded()).isEmpty();
        }

        @Test
        void aVisibilityTimeoutOfTwiceTheConsumersTimeoutIsReported() throws Exception {
            var contract = contract("""
                    Jobs:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 60
                    Worker:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: fn
                        Handler: example.Worker::handleRequest
                        Events:
                          Jobs:
                            Type: SQS
                            Properties: {Queue: !GetAtt Jobs.Arn}
                    WorkerErrorsAlarm:
                      Type: AWS::CloudWatch::Alarm
                      Properties:
                        Namespace: AWS/Lambda
                        MetricName: Errors
                        Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
                        Statistic: Sum
                        Period: 60
                        EvaluationPeriods: 1
                        Threshold: 0
                        ComparisonOperator: GreaterThanThreshold
                    WorkerThrottlesAlarm:
                      Type: AWS::CloudWatch::Alarm
                      Properties:
                        Namespace: AWS/Lambda
                        MetricName: Throttles
                        Dimensions: [{Name: FunctionName, Value: !GetAtt Worker.Arn}]
                        Statistic: Sum
                        Period: 60
                        EvaluationPeriods: 1
                        Threshold: 0
                        ComparisonOperator: GreaterThanThreshold
                    """);

            assertThat(contract.visibilityTimeoutsAreSixTimesTheConsumersTimeout()).containsExactly(
                    "Jobs: VisibilityTimeout 60 s is less than 6 × Worker's Timeout (30 s) = 180 s");
            // An ARN is no function name: the throttles alarm watches nothing.
            assertThat(contract.everyFunctionHasErrorsAndThrottlesAlarms()).containsExactly(
                    "Worker: no alarm on AWS/Lambda Throttles with dimension FunctionName: !Ref Worker");
        }

        @Test
        void aWildcardResourceOutsideTheExceptionsTableIsReported() throws Exception {
            var contract = contract("""
                    Worker:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: fn
                        Handler: example.Worker::handleRequest
                        Tracing: Active
                        Policies:
                          - CloudWatchPutMetricPolicy: {}
                          - Statement:
                              - Effect: Allow
                                Action: [s3:GetObject, s3:PutObject]
                                Resource: "*"
                    """, """
                    # Operations

                    ## IAM exceptions

                    | Function | Action | Why |
                    |----------|--------|-----|
                    | `Worker` | `CloudWatchPutMetricPolicy` | PutMetricData has no resource-level permissions. |
                    | `Worker` | `ec2:DescribeInstances` | Not granted: reported unused. |
                    | every function | `xray:PutTraceSegments` | SAM's Tracing: Active; may be listed, need not be. |

                    ## Alarms
                    """);

            assertThat(contract.wildcardGrantsAreTheDocumentedExceptions()).containsExactly(
                    "Worker: grants s3:GetObject on Resource \"*\", which is not in the IAM exceptions table of docs/operations.md (Function | Action | Why)",
                    "Worker: grants s3:PutObject on Resource \"*\", which is not in the IAM exceptions table of docs/operations.md (Function | Action | Why)",
                    "docs/operations.md lists the IAM exception Worker | ec2:DescribeInstances, but the template grants no such thing");
        }

        @Test
        void exceptionsMayExplainNarrowerGrantsAndResourcePoliciesInProse() throws Exception {
            var contract = contract("""
                    TopicKey:
                      Type: AWS::KMS::Key
                      Properties:
                        KeyPolicy:
                          Statement:
                            - Effect: Allow
                              Principal: {Service: cloudwatch.amazonaws.com}
                              Action: [kms:Decrypt, kms:GenerateDataKey*]
                              Resource: "*"
                    Worker:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: fn
                        Handler: example.Worker::handleRequest
                        Policies:
                          - Statement:
                              - Effect: Allow
                                Action: [s3:ListBucket]
                                Resource: arn:aws:s3:::outputs
                    """, """
                    ## IAM exceptions

                    | Function | Action | Why |
                    |---|---|---|
                    | every function | `logs:CreateLogStream`, `logs:PutLogEvents` on `*` | SAM's AWSLambdaBasicExecutionRole. |
                    | Worker | `s3:ListBucket` on `arn:aws:s3:::outputs` | listing is bucket-level, under a prefix condition. |
                    | (TopicKey's key policy) | `kms:Decrypt`/`kms:GenerateDataKey*` for CloudWatch, on `*` | in a key policy `*` is the key. |
                    | Worker | `sqs:DeleteQueue` on `*` | stale: reported. |
                    """);

            assertThat(contract.wildcardGrantsAreTheDocumentedExceptions()).containsExactly(
                    "docs/operations.md lists the IAM exception Worker | sqs:DeleteQueue, but the template grants no such thing");
        }

        @Test
        void anOperationsPageWithoutTheExceptionsTableIsReported() throws Exception {
            var contract = contract("""
                    Jobs:
                      Type: AWS::SQS::Queue
                    """, """
                    # Operations

                    ## Alarms
                    """);

            assertThat(contract.wildcardGrantsAreTheDocumentedExceptions()).containsExactly(
                    folder.resolve("operations.md") + " has no '## IAM exceptions' section");
        }

        @Test
        void anUnencryptedPublicBucketAndAProvisionedTableWithoutTtlAreReported() throws Exception {
            var contract = contract("""
                    Uploads:
                      Type: AWS::S3::Bucket
                      Properties:
                        PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true}
                    Items:
                      Type: AWS::DynamoDB::Table
                      Properties:
                        BillingMode: PROVISIONED
                        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                        KeySchema: [{AttributeName: id, KeyType: HASH}]
                        ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
                    Alerts:
                      Type: AWS::SNS::Topic
                    """);

            assertThat(contract.storageIsEncryptedPrivateAndBounded()).containsExactly(
                    "Alerts: not encrypted (KmsMasterKeyId, e.g. alias/aws/sns)",
                    "Uploads: PublicAccessBlockConfiguration.RestrictPublicBuckets is not true",
                    "Uploads: no BucketEncryption.ServerSideEncryptionConfiguration",
                    "Uploads: no AWS::S3::BucketPolicy denies its requests without TLS (Effect: Deny, Condition: {Bool: {aws:SecureTransport: false}})",
                    "Items: BillingMode is PROVISIONED, not PAY_PER_REQUEST",
                    "Items: no TimeToLiveSpecification with an AttributeName and Enabled: true");
        }

        @Test
        void anS3TriggeredFunctionWithoutOnFailureDestinationIsReported() throws Exception {
            var contract = contract("""
                    Uploads:
                      Type: AWS::S3::Bucket
                    Transcoder:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: fn
                        Handler: example.Transcoder::handleRequest
                        EventInvokeConfig:
                          MaximumRetryAttempts: 1
                        Events:
                          Upload:
                            Type: S3
                            Properties: {Bucket: !Ref Uploads, Events: ["s3:ObjectCreated:*"]}
                    """);

            assertThat(contract.asyncInvocationsHaveRetriesAndAnOnFailureDestination()).containsExactly(
                    "Transcoder: triggered asynchronously (S3 event Upload) but has no EventInvokeConfig.DestinationConfig.OnFailure destination");
        }

        @Test
        void aRequiredVariableLeftUnsetAndAMisspeltOneAreReported() throws Exception {
            var posts = Path.of("functions/posts").toAbsolutePath();
            var contract = contract("""
                    Intake:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: %s
                        Handler: dev.offstage.posts.handlers.PostIntakeHandler::handleRequest
                        Environment:
                          Variables:
                            POSTS_QUEUE_ULR: https://sqs.example/queue
                    """.formatted(posts));

            assertThat(contract.environmentVariablesTheCodeReadsAreSet()).containsExactly(
                    "Intake: its code requires environment variable POSTS_QUEUE_URL (PostsSetup.intake), which the template does not set",
                    "Intake: environment variable POSTS_QUEUE_ULR is set, but no code of " + posts + " or the toolkit reads it");
        }

        @Test
        void aHandlerOfAnotherModuleIsReported() throws Exception {
            var posts = Path.of("functions/posts").toAbsolutePath();
            var contract = contract("""
                    Webhook:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: %s
                        Handler: dev.offstage.ci.webhook.GitHubWebhookHandler::handleRequest
                    """.formatted(posts));

            assertThat(contract.handlersLiveInTheirModuleAndTakeTheirTriggersEvents()).containsExactly(
                    "Webhook: handler class dev.offstage.ci.webhook.GitHubWebhookHandler is not compiled in its CodeUri's module ("
                            + posts.resolve("target/classes") + ")");
        }

        @Test
        void aHandlerWhoseEventTypeDoesNotMatchItsTriggerIsReported() throws Exception {
            var posts = Path.of("functions/posts").toAbsolutePath();
            var contract = contract("""
                    Jobs:
                      Type: AWS::SQS::Queue
                    Search:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: %s
                        Handler: dev.offstage.posts.handlers.SearchHandler::handleRequest
                        Events:
                          Jobs:
                            Type: SQS
                            Properties: {Queue: !GetAtt Jobs.Arn}
                    """.formatted(posts));

            assertThat(contract.handlersLiveInTheirModuleAndTakeTheirTriggersEvents()).singleElement().asString()
                    .startsWith("Search: event Jobs (SQS) delivers SQSEvent, but handler dev.offstage.posts.handlers.SearchHandler");
        }

        @Test
        void aHandlerMissingFromItsModuleIsReported() throws Exception {
            var contract = contract("""
                    Worker:
                      Type: AWS::Serverless::Function
                      Properties:
                        CodeUri: fn
                        Handler: example.Worker::handleRequest
                    """);

            assertThat(contract.handlersLiveInTheirModuleAndTakeTheirTriggersEvents()).containsExactly(
                    "Worker: handler class example.Worker is not compiled in its CodeUri's module (fn/target/classes)");
        }
    }
}
