package dev.offstage.local.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import dev.offstage.local.template.TestTemplates;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(EmulatorsExtension.class)
class ResourceProvisionerTest {

    private final Emulators emulators;
    private final AwsClients aws;
    private final LocalNaming naming;

    ResourceProvisionerTest(Emulators emulators) {
        this.emulators = emulators;
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        // Each test its own stack, so derived names never meet in the shared emulators.
        this.naming = LocalNaming.of(EmulatorsExtension.uniqueName("stack"), emulators.sqsEndpoint(),
                URI.create("http://127.0.0.1:3000"));
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    private Application load(String template) {
        return Templates.load(TestTemplates.path(template), Map.of(), naming);
    }

    @Test
    void createsTablesWithKeysAndIndexesOnDemand() {
        var app = load("full.yaml");

        var provisioned = new ResourceProvisioner(aws).provision(app);

        var posts = aws.dynamoDb().describeTable(describe -> describe.tableName(naming.stackName() + "-posts")).table();
        assertThat(posts.keySchema()).extracting(key -> key.attributeName() + "/" + key.keyType())
                .containsExactly("pk/" + KeyType.HASH, "sk/" + KeyType.RANGE);
        assertThat(posts.globalSecondaryIndexes()).singleElement().satisfies(index -> {
            assertThat(index.indexName()).isEqualTo("byAuthor");
            assertThat(index.keySchema()).extracting(key -> key.attributeName()).containsExactly("author", "createdAt");
            assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.INCLUDE);
            assertThat(index.projection().nonKeyAttributes()).containsExactly("title");
        });
        assertThat(provisioned.tables()).containsOnlyKeys("PostsTable", "SessionsTable", "CountersTable");
        var counters = provisioned.table("CountersTable").name();
        aws.dynamoDb().putItem(put -> put.tableName(counters).item(Map.of("counter", AttributeValue.fromN("7"))));
        assertThat(aws.dynamoDb().getItem(get -> get.tableName(counters).key(Map.of("counter", AttributeValue.fromN("7")))).hasItem())
                .isTrue();
    }

    @Test
    void provisionedUrlsAndArnsAreTheOnesTheTemplateResolvedTo() {
        var app = load("full.yaml");

        var provisioned = new ResourceProvisioner(aws).provision(app);

        var env = app.functions().get("ApiFunction").environment();
        assertThat(provisioned.queue("JobsQueue").url()).isEqualTo(env.get("QUEUE_URL"));
        assertThat(provisioned.queue("JobsQueue").arn()).isEqualTo(env.get("QUEUE_ARN"));
        assertThat(provisioned.queue("EventsQueue").url()).isEqualTo(env.get("EVENTS_QUEUE_URL"));
        assertThat(provisioned.table("PostsTable").arn()).isEqualTo(env.get("TABLE_ARN"));
        assertThat(provisioned.bucket("UploadsBucket").arn()).isEqualTo(env.get("BUCKET_ARN"));
        assertThat(provisioned.queue("ApiFunctionEventInvokeConfigOnFailureQueue").arn())
                .isEqualTo(app.functions().get("ApiFunction").async().onFailure().orElseThrow().arn());
    }

    @Test
    void createsQueuesWithFifoTimeoutsAndRedrivePolicy() {
        var app = load("full.yaml");

        var provisioned = new ResourceProvisioner(aws).provision(app);

        var jobs = attributes(provisioned.queue("JobsQueue").url());
        assertThat(jobs).containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
                .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")
                .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60");
        var redrive = Json.tree(jobs.get(QueueAttributeName.REDRIVE_POLICY));
        assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(provisioned.queue("JobsDeadLetterQueue").arn());
        assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(3);
        if (!emulators.backend().equals("local")) {
            // ElasticMQ accepts MessageRetentionPeriod but ignores it, and does not report it.
            assertThat(attributes(provisioned.queue("JobsDeadLetterQueue").url()))
                    .containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600");
        }
        assertThat(attributes(provisioned.queue("EventsQueue").url()))
                .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "30")
                .doesNotContainKey(QueueAttributeName.REDRIVE_POLICY);
    }

    @Test
    void messageReceivedMaxReceiveCountTimesLandsInTheDeadLetterQueue() {
        var provisioned = new ResourceProvisioner(aws).provision(load("redrive.yaml"));
        var work = provisioned.queue("WorkQueue").url();
        var deadLetters = provisioned.queue("DeadLetterQueue").url();
        aws.sqs().sendMessage(send -> send.queueUrl(work).messageBody("poison"));

        // maxReceiveCount is 2: two receives without a delete, then the next receive redrives it.
        assertThat(receive(work)).extracting(Message::body).containsExactly("poison");
        assertThat(receive(work)).extracting(Message::body).containsExactly("poison");

        assertThat(receive(work)).isEmpty();
        assertThat(receiveWithin(deadLetters, Duration.ofSeconds(5))).extracting(Message::body).containsExactly("poison");
    }

    @Test
    void fifoMessageRedrivesToTheFifoDeadLetterQueue() {
        var provisioned = new ResourceProvisioner(aws).provision(load("full.yaml"));
        var jobs = provisioned.queue("JobsQueue").url();
        var deadLetters = provisioned.queue("JobsDeadLetterQueue").url();
        aws.sqs().sendMessage(send -> send.queueUrl(jobs).messageBody("job").messageGroupId("g"));

        for (int i = 0; i < 3; i++) {
            // A zero visibility timeout on receive makes the message visible again at once.
            assertThat(aws.sqs().receiveMessage(receive -> receive.queueUrl(jobs).visibilityTimeout(0)).messages())
                    .extracting(Message::body).containsExactly("job");
        }

        assertThat(aws.sqs().receiveMessage(receive -> receive.queueUrl(jobs).visibilityTimeout(0)).messages()).isEmpty();
        assertThat(receiveWithin(deadLetters, Duration.ofSeconds(5))).extracting(Message::body).containsExactly("job");
    }

    @Test
    void createsBucketsWithVersioningWhereTheTemplateEnablesIt() {
        var provisioned = new ResourceProvisioner(aws).provision(load("full.yaml"));
        var bucket = provisioned.bucket("UploadsBucket");

        var first = aws.s3().putObject(put -> put.bucket(bucket.name()).key("incoming/a.json"), RequestBody.fromString("{}"));
        var second = aws.s3().putObject(put -> put.bucket(bucket.name()).key("incoming/a.json"), RequestBody.fromString("[]"));

        assertThat(bucket.versioned()).isTrue();
        assertThat(aws.s3().getBucketVersioning(get -> get.bucket(bucket.name())).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        assertThat(first.versionId()).isNotBlank().isNotEqualTo(second.versionId());
        assertThat(aws.s3().getObjectAsBytes(get -> get.bucket(bucket.name()).key("incoming/a.json")).asUtf8String()).isEqualTo("[]");
    }

    @Test
    void createsSecretsThatFunctionsReadAtTheirRef() {
        var app = load("full.yaml");
        var provisioned = new ResourceProvisioner(aws).provision(app);
        var webhook = provisioned.secret("GitHubWebhookSecret");
        var ref = app.functions().get("ApiFunction").environment().get("WEBHOOK_SECRET_ARN");

        assertThat(webhook.arn()).startsWith(ref + "-");
        assertThat(aws.secretsManager().getSecretValue(get -> get.secretId(ref)).secretString()).isEqualTo("local-github-webhook-secret");
        assertThat(aws.secretsManager().getSecretValue(get -> get.secretId(webhook.arn())).secretString())
                .isEqualTo("local-github-webhook-secret");
    }

    @Test
    void provisioningAgainGivesAnExistingSecretItsNewValue() {
        var app = load("full.yaml");
        new ResourceProvisioner(aws).provision(app);

        var again = new ResourceProvisioner(aws).provision(app.withSecretValues(Map.of("GitHubWebhookSecret", "changed")));

        assertThat(aws.secretsManager().getSecretValue(get -> get.secretId(again.secret("GitHubWebhookSecret").arn()))
                .secretString()).isEqualTo("changed");
    }

    @Test
    void bucketsWithoutVersioningConfigurationStayUnversioned() {
        var provisioned = new ResourceProvisioner(aws).provision(
                Templates.load(TestTemplates.path("full.yaml"), Map.of("Stage", "prod"), naming));
        var bucket = provisioned.bucket("ProdOnlyBucket");

        assertThat(bucket.versioned()).isFalse();
        assertThat(aws.s3().getBucketVersioning(get -> get.bucket(bucket.name())).status()).isNull();
    }

    @Test
    void provisioningTwiceSucceedsAndKeepsTheResources() {
        var app = load("full.yaml");
        var provisioner = new ResourceProvisioner(aws);
        var first = provisioner.provision(app);
        aws.sqs().sendMessage(send -> send.queueUrl(first.queue("EventsQueue").url()).messageBody("kept"));

        var second = provisioner.provision(app);

        assertThat(second).isEqualTo(first);
        assertThat(receive(second.queue("EventsQueue").url())).extracting(Message::body).containsExactly("kept");
    }

    @Test
    void provisioningAgainWithChangedAttributesUpdatesTheQueue() {
        var app = load("redrive.yaml");
        var provisioner = new ResourceProvisioner(aws);
        var first = provisioner.provision(app);
        var work = app.queues().get("WorkQueue");
        var changed = new QueueSpec(work.logicalId(), work.name(), work.fifo(), work.contentBasedDeduplication(),
                Duration.ofSeconds(45), work.messageRetention(), Optional.of(new QueueSpec.Redrive("DeadLetterQueue", 5)));
        var queues = new HashMap<>(app.queues());
        queues.put("WorkQueue", changed);

        var second = provisioner.provision(new Application(app.stackName(), app.parameters(), app.functions(), app.tables(),
                queues, app.buckets()));

        assertThat(second.queue("WorkQueue")).isEqualTo(first.queue("WorkQueue"));
        var attributes = attributes(second.queue("WorkQueue").url());
        assertThat(attributes).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "45");
        assertThat(Json.tree(attributes.get(QueueAttributeName.REDRIVE_POLICY)).get("maxReceiveCount").asInt()).isEqualTo(5);
    }

    @Test
    void deadLetterQueuesAreCreatedBeforeTheQueuesThatRedriveToThem() {
        var queues = load("full.yaml").queues();

        var order = ResourceProvisioner.deadLetterQueuesFirst(queues).stream().map(queue -> queue.logicalId()).toList();

        assertThat(order.indexOf("JobsDeadLetterQueue")).isLessThan(order.indexOf("JobsQueue"));
        assertThat(order).containsExactlyInAnyOrderElementsOf(queues.keySet());
    }

    private Map<QueueAttributeName, String> attributes(String queueUrl) {
        return aws.sqs().getQueueAttributes(get -> get.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL)).attributes();
    }

    private List<Message> receive(String queueUrl) {
        return aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl)).messages();
    }

    /** Polls until a message arrives or the deadline passes (the move to a DLQ need not be synchronous). */
    private List<Message> receiveWithin(String queueUrl, Duration deadline) {
        var end = Instant.now().plus(deadline);
        List<Message> messages;
        do {
            messages = aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
        } while (messages.isEmpty() && Instant.now().isBefore(end));
        return messages;
    }
}
