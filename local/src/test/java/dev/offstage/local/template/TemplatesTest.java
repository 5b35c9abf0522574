package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.local.model.TableSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    private static final String PREFIX = "offstage-test-";

    private final Application app = Templates.load(TestTemplates.path("full.yaml"), Map.of(), TestTemplates.NAMING);

    private Map<String, String> env(String function) {
        return app.functions().get(function).environment();
    }

    @Test
    void everyFunctionTableQueueAndBucketBecomesASpec() {
        assertThat(app.stackName()).isEqualTo("offstage-test");
        assertThat(app.functions()).containsOnlyKeys("ApiFunction", "WorkerFunction", "ReporterFunction");
        assertThat(app.tables()).containsOnlyKeys("PostsTable", "SessionsTable", "CountersTable");
        // The failure queue SAM creates for a destination that names only its Type is a queue too.
        assertThat(app.queues()).containsOnlyKeys("JobsDeadLetterQueue", "JobsQueue", "EventsQueue", "FailuresQueue",
                "ApiFunctionEventInvokeConfigOnFailureQueue");
        // ProdOnlyBucket's condition is false with the default Stage.
        assertThat(app.buckets()).containsOnlyKeys("UploadsBucket");
    }

    @Test
    void secretsBecomeSpecsWithTheirNameAndLocalValue() {
        assertThat(app.secrets()).containsOnlyKeys("GitHubWebhookSecret", "ApiTokenSecret");
        var webhook = app.secrets().get("GitHubWebhookSecret");
        assertThat(webhook.name()).startsWith(PREFIX + "GitHubWebhookSecret-");
        // GenerateSecretString: a documented value a developer can type, not a random one.
        assertThat(webhook.value()).isEqualTo("local-github-webhook-secret");
        var token = app.secrets().get("ApiTokenSecret");
        assertThat(token.name()).isEqualTo("offstage-test/api-token");
        assertThat(token.value()).isEqualTo("{\"token\": \"default-token-value\"}");
        assertThat(token.toString()).doesNotContain("default-token-value");
    }

    @Test
    void refOfASecretIsItsArnWithoutTheRandomSuffix() {
        var webhook = app.secrets().get("GitHubWebhookSecret").name();

        assertThat(env("ApiFunction")).contains(
                entry("WEBHOOK_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + webhook),
                entry("WEBHOOK_SECRET_ID", "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + webhook),
                entry("API_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:offstage-test/api-token"));
    }

    @Test
    void secretValuesGivenAtStartupReplaceTheTemplatesOnes() {
        var given = Templates.load(TestTemplates.path("full.yaml"), Map.of(), Map.of("GitHubWebhookSecret", "typed"),
                TestTemplates.NAMING);

        assertThat(given.secrets().get("GitHubWebhookSecret").value()).isEqualTo("typed");
        assertThat(given.secrets().get("ApiTokenSecret").value()).isEqualTo(app.secrets().get("ApiTokenSecret").value());
    }

    @Test
    void secretValueForAnUnknownLogicalIdIsATemplateMistake() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Templates.load(TestTemplates.path("full.yaml"), Map.of(),
                        Map.of("GithubWebhookSecret", "typo"), TestTemplates.NAMING))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("--secret names GithubWebhookSecret, which is not an AWS::SecretsManager::Secret")
                .hasMessageContaining("it declares ApiTokenSecret, GitHubWebhookSecret")
                .hasMessageNotContaining("typo");
    }

    @Test
    void defaultSecretValuesAreKebabCaseLogicalIds() {
        assertThat(ApplicationBuilder.defaultSecretValue("GitHubWebhookSecret")).isEqualTo("local-github-webhook-secret");
        assertThat(ApplicationBuilder.defaultSecretValue("APIToken")).isEqualTo("local-api-token");
        assertThat(ApplicationBuilder.defaultSecretValue("S3AccessKey")).isEqualTo("local-s3-access-key");
        assertThat(ApplicationBuilder.defaultSecretValue("OAuthClientSecret")).isEqualTo("local-oauth-client-secret");
        assertThat(ApplicationBuilder.defaultSecretValue("token")).isEqualTo("local-token");
    }

    @Test
    void globalsApplyWhereTheFunctionIsSilentAndMergeVariablesPerKey() {
        var api = app.functions().get("ApiFunction");
        var worker = app.functions().get("WorkerFunction");

        assertThat(api.runtime()).isEqualTo("java25");
        assertThat(api.memoryMb()).isEqualTo(1024);
        assertThat(worker.memoryMb()).isEqualTo(512);
        assertThat(api.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(worker.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(api.codeUri()).isEqualTo(TestTemplates.path("functions/hello"));
        assertThat(worker.codeUri()).isEqualTo(TestTemplates.path("functions/worker"));
        assertThat(api.codeUri()).isAbsolute();

        assertThat(env("ApiFunction")).contains(entry("SHARED", "from-function"), entry("STAGE", "dev"), entry("LOG_LEVEL", "DEBUG"));
        assertThat(env("WorkerFunction")).containsOnly(entry("SHARED", "from-globals"), entry("STAGE", "dev"), entry("LOG_LEVEL", "DEBUG"));
    }

    @Test
    void functionsKeepHandlerNameAndConcurrency() {
        var api = app.functions().get("ApiFunction");
        var worker = app.functions().get("WorkerFunction");

        assertThat(api.handler()).isEqualTo("dev.offstage.fixture.ApiHandler::handleRequest");
        assertThat(worker.handler()).isEqualTo("dev.offstage.fixture.WorkerHandler");
        assertThat(api.functionName()).matches("offstage-test-ApiFunction-[A-Z0-9]{8}");
        assertThat(worker.functionName()).isEqualTo("offstage-test-worker");
        assertThat(api.reservedConcurrency()).isEqualTo(OptionalInt.of(5));
        assertThat(worker.reservedConcurrency()).isEmpty();
    }

    @Test
    void refAndGetAttResolveToLocalNamesUrlsAndArns() {
        var jobsQueue = app.queues().get("JobsQueue").name();
        var bucket = app.buckets().get("UploadsBucket").name();
        var env = env("ApiFunction");

        assertThat(env).contains(
                entry("TABLE", PREFIX + "posts"),
                entry("TABLE_ARN", "arn:aws:dynamodb:us-east-1:000000000000:table/offstage-test-posts"),
                entry("TABLE_STREAM", "arn:aws:dynamodb:us-east-1:000000000000:table/offstage-test-posts/stream/1970-01-01T00:00:00.000"),
                entry("QUEUE_URL", "http://127.0.0.1:9324/000000000000/" + jobsQueue),
                entry("QUEUE_ARN", "arn:aws:sqs:us-east-1:000000000000:" + jobsQueue),
                entry("QUEUE_NAME", jobsQueue),
                entry("EVENTS_QUEUE_URL", "http://127.0.0.1:9324/000000000000/offstage-test-events-dev"),
                entry("BUCKET", bucket),
                entry("BUCKET_ARN", "arn:aws:s3:::" + bucket),
                entry("BUCKET_DOMAIN", bucket + ".s3.amazonaws.com"),
                entry("WORKER_ARN", "arn:aws:lambda:us-east-1:000000000000:function:offstage-test-worker"),
                entry("LONG_JOIN", "arn:aws:s3:::" + bucket));
        assertThat(env.get("SESSIONS_TABLE")).matches("offstage-test-SessionsTable-[A-Z0-9]{8}");
        assertThat(env.get("TOPIC")).matches("arn:aws:sns:us-east-1:000000000000:offstage-test-AlertsTopic-[A-Z0-9]{8}");
    }

    @Test
    void derivedNamesFollowTheServicesRules() {
        assertThat(app.queues().get("JobsQueue").name()).matches("offstage-test-JobsQueue-[A-Z0-9]{8}\\.fifo");
        assertThat(app.queues().get("FailuresQueue").name()).matches("offstage-test-FailuresQueue-[A-Z0-9]{8}");
        assertThat(app.buckets().get("UploadsBucket").name()).matches("offstage-test-uploadsbucket-[a-z0-9]{8}");
    }

    @Test
    void derivedNamesAreTheSameOnEveryLoad() {
        var again = Templates.load(TestTemplates.path("full.yaml"), Map.of(), TestTemplates.NAMING);

        assertThat(again).isEqualTo(app);
    }

    @Test
    void subJoinSelectSplitAndBase64Evaluate() {
        var jobsQueueArn = "arn:aws:sqs:us-east-1:000000000000:" + app.queues().get("JobsQueue").name();

        assertThat(env("ApiFunction")).contains(
                entry("SUMMARY", "us-east-1/000000000000/aws/amazonaws.com/" + jobsQueueArn + "/${Literal}"),
                entry("SUB_WITH_VARIABLES", "green-dev"),
                entry("FIRST_COLOUR", "red"),
                entry("SPLIT_SECOND", "b"),
                entry("JOINED_COLOURS", "red|green|blue"),
                entry("LONG_SUB", "offstage-test-dev"),
                entry("ENCODED", Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8))),
                entry("ZONE", "us-east-1a"),
                entry("BATCH", "5"),
                entry("DEBUG", "true"));
    }

    @Test
    void conditionsChooseBranchesAndNoValueRemovesTheVariable() {
        assertThat(env("ApiFunction")).contains(entry("MODE", "development"), entry("PROD_OR_DEV_OUTSIDE", "no"))
                .doesNotContainKey("PROD_BUCKET");
    }

    @Test
    void parameterOverridesReplaceDefaultsAndFlipConditions() {
        var prod = Templates.load(TestTemplates.path("full.yaml"), Map.of("Stage", "prod", "ApiToken", "overridden"),
                TestTemplates.NAMING);
        var env = prod.functions().get("ApiFunction").environment();

        assertThat(prod.buckets()).containsKey("ProdOnlyBucket");
        assertThat(env).contains(entry("STAGE", "prod"), entry("LOG_LEVEL", "INFO"), entry("MODE", "production"),
                entry("PROD_OR_DEV_OUTSIDE", "yes"), entry("PROD_BUCKET", prod.buckets().get("ProdOnlyBucket").name()),
                entry("TOKEN", "overridden"), entry("EVENTS_QUEUE_URL", "http://127.0.0.1:9324/000000000000/offstage-test-events-prod"));
    }

    @Test
    void noEchoParametersAreMaskedInTheModelButReachTheFunction() {
        assertThat(app.parameters()).containsOnly(entry("Stage", "dev"), entry("ApiToken", "****"),
                entry("JobBatchSize", "5"), entry("Colours", "red,green,blue"));
        assertThat(env("ApiFunction")).containsEntry("TOKEN", "default-token-value");
    }

    @Test
    void implicitSamResourcesAndUnrunTypesResolveToPlausibleValues() {
        var env = env("ReporterFunction");

        assertThat(env.get("API_URL")).isEqualTo("http://127.0.0.1:3000");
        assertThat(env.get("API_ID")).matches("[a-z0-9]{10}").isEqualTo(TestTemplates.NAMING.apiId("ServerlessHttpApi"));
        assertThat(env.get("API_HOST")).isEqualTo(env.get("API_ID") + ".execute-api.us-east-1.amazonaws.com");
        assertThat(env.get("TOPIC_NAME")).matches("offstage-test-AlertsTopic-[A-Z0-9]{8}");
        assertThat(env.get("ROLE_ARN")).matches("arn:aws:iam::000000000000:role/offstage-test-ApiFunctionRole-[A-Z0-9]{8}");
        assertThat(env.get("LOG_GROUP_ARN")).isEqualTo("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/"
                + app.functions().get("ApiFunction").functionName() + ":*");
        assertThat(env.get("ALARM")).isEqualTo("offstage-test-api-errors");
        assertThat(env.get("STACK_ID")).matches("arn:aws:cloudformation:us-east-1:000000000000:stack/offstage-test/[0-9a-f-]{36}");
    }

    @Test
    void httpApiEventsBecomeRoutesAndAnEventWithoutPathIsTheDefaultRoute() {
        assertThat(app.functions().get("ApiFunction").events()).containsExactly(
                new EventSource.HttpApi("GetPost", "GET", "/posts/{id}"),
                new EventSource.HttpApi("AnyFile", "ANY", "/files/{proxy+}"),
                new EventSource.HttpApi("Fallback", "ANY", "$default"));
    }

    @Test
    void sqsEventsNameTheirQueueByLogicalIdWithMappingSettings() {
        var events = app.functions().get("WorkerFunction").events();

        assertThat(events).contains(
                new EventSource.Sqs("Jobs", "JobsQueue", 5, Duration.ZERO, true, OptionalInt.of(4), true),
                new EventSource.Sqs("Events", "EventsQueue", 100, Duration.ofSeconds(2), false, OptionalInt.empty(), false));
    }

    @Test
    void s3EventsNameTheirBucketWithEventTypesAndKeyFilter() {
        var events = app.functions().get("WorkerFunction").events();

        assertThat(events).contains(
                new EventSource.S3("Uploads", "UploadsBucket", List.of("s3:ObjectCreated:*"), "incoming/", ".json"),
                new EventSource.S3("Removals", "UploadsBucket",
                        List.of("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"), "", ""));
    }

    @Test
    void eventInvokeConfigGivesRetriesAgeAndDestinations() {
        var worker = app.functions().get("WorkerFunction").async();
        var failures = app.queues().get("FailuresQueue").name();

        assertThat(worker.maximumRetryAttempts()).isEqualTo(1);
        assertThat(worker.maximumEventAge()).isEqualTo(Duration.ofSeconds(120));
        assertThat(worker.onFailure()).contains(new AsyncConfig.Destination("SQS", "FailuresQueue",
                "arn:aws:sqs:us-east-1:000000000000:" + failures));
        assertThat(worker.onSuccess()).hasValueSatisfying(destination -> {
            assertThat(destination.type()).isEqualTo("SNS");
            assertThat(destination.logicalId()).isEqualTo("AlertsTopic");
            assertThat(destination.arn()).isEqualTo(env("ApiFunction").get("TOPIC"));
        });
    }

    @Test
    void destinationWithOnlyATypeIsTheQueueSamCreates() {
        var api = app.functions().get("ApiFunction").async();
        var queue = app.queues().get("ApiFunctionEventInvokeConfigOnFailureQueue");

        assertThat(api.maximumRetryAttempts()).isZero();
        assertThat(api.maximumEventAge()).isEqualTo(Duration.ofHours(6));
        assertThat(api.onFailure()).contains(new AsyncConfig.Destination("SQS", queue.logicalId(),
                "arn:aws:sqs:us-east-1:000000000000:" + queue.name()));
    }

    @Test
    void standaloneEventInvokeConfigAppliesToItsFunction() {
        var reporter = app.functions().get("ReporterFunction").async();

        assertThat(reporter.maximumRetryAttempts()).isZero();
        assertThat(reporter.onFailure()).contains(new AsyncConfig.Destination("Lambda", "ApiFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:" + app.functions().get("ApiFunction").functionName()));
        assertThat(reporter.onSuccess()).isEmpty();
    }

    @Test
    void functionsWithoutEventInvokeConfigGetLambdaDefaults() {
        var minimal = Templates.load(TestTemplates.path("minimal.yaml"), Map.of(), TestTemplates.NAMING);

        var hello = minimal.functions().get("HelloFunction");
        assertThat(hello.async()).isEqualTo(AsyncConfig.LAMBDA_DEFAULTS);
        assertThat(hello.memoryMb()).isEqualTo(128);
        assertThat(hello.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(hello.environment()).isEmpty();
        assertThat(hello.events()).isEmpty();
    }

    @Test
    void tablesKeepKeysIndexesAndTimeToLive() {
        var posts = app.tables().get("PostsTable");

        assertThat(posts.name()).isEqualTo("offstage-test-posts");
        assertThat(posts.attributeTypes()).containsOnly(entry("pk", "S"), entry("sk", "S"), entry("author", "S"), entry("createdAt", "N"));
        assertThat(posts.key()).isEqualTo(new TableSpec.Key("pk", Optional.of("sk")));
        assertThat(posts.globalSecondaryIndexes()).containsExactly(new TableSpec.Index("byAuthor",
                new TableSpec.Key("author", Optional.of("createdAt")), "INCLUDE", List.of("title")));
        assertThat(posts.ttlAttribute()).contains("expiresAt");
    }

    @Test
    void simpleTablesHaveAnIdKeyUnlessPrimaryKeySaysOtherwise() {
        assertThat(app.tables().get("SessionsTable").key()).isEqualTo(new TableSpec.Key("id", Optional.empty()));
        assertThat(app.tables().get("SessionsTable").attributeTypes()).containsOnly(entry("id", "S"));
        assertThat(app.tables().get("CountersTable").key()).isEqualTo(new TableSpec.Key("counter", Optional.empty()));
        assertThat(app.tables().get("CountersTable").attributeTypes()).containsOnly(entry("counter", "N"));
    }

    @Test
    void queuesKeepFifoDeduplicationTimeoutsAndRedrive() {
        var jobs = app.queues().get("JobsQueue");
        var dlq = app.queues().get("JobsDeadLetterQueue");
        var events = app.queues().get("EventsQueue");

        assertThat(jobs.fifo()).isTrue();
        assertThat(jobs.contentBasedDeduplication()).isTrue();
        assertThat(jobs.visibilityTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(jobs.redrive()).contains(new QueueSpec.Redrive("JobsDeadLetterQueue", 3));
        assertThat(dlq.messageRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(events.fifo()).isFalse();
        assertThat(events.visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(events.messageRetention()).isEqualTo(Duration.ofDays(4));
        assertThat(events.redrive()).isEmpty();
    }

    @Test
    void bucketsKeepVersioning() {
        assertThat(app.buckets().get("UploadsBucket").versioned()).isTrue();
    }

    @Test
    void sourceKeepsIntrinsicsAsWrittenAndMergesFunctionGlobals() {
        var source = Templates.source("""
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Timeout: 30
                    Environment: {Variables: {SHARED: one}}
                Resources:
                  Jobs:
                    Type: AWS::SQS::Queue
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Worker
                      Environment: {Variables: {QUEUE: !GetAtt Jobs.QueueName}}
                """);

        @SuppressWarnings("unchecked")
        var worker = (Map<String, Object>) ((Map<String, Object>) source.get("Resources")).get("Worker");
        assertThat(worker).containsEntry("Type", "AWS::Serverless::Function");
        assertThat(worker.get("Properties")).isEqualTo(Map.of("Timeout", 30, "Handler", "example.Worker",
                "Environment", Map.of("Variables", Map.of("SHARED", "one", "QUEUE", Map.of("Fn::GetAtt", List.of("Jobs", "QueueName"))))));
    }
}
