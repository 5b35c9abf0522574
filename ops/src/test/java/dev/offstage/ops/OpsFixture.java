package dev.offstage.ops;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A small deployment in the emulators, shaped like the template's: a work queue redriving into its
 * dead-letter queue, a queue without one, a builds table and a videos table, each under a name no
 * other test uses. Ages and errors are the test's to set, where the runtime or CloudWatch would answer.
 */
public final class OpsFixture implements AutoCloseable {

    public static final String WORK_QUEUE = "WorkQueue";
    public static final String WORK_DLQ = "WorkDeadLetterQueue";
    public static final String PLAIN_QUEUE = "PlainQueue";

    final AwsClients aws;
    final Deployment deployment;
    final Map<String, Long> ages = new HashMap<>();
    final List<ErrorLine> errorLines = new ArrayList<>();
    final Map<String, String> reasons = new HashMap<>();
    boolean logsDown;

    public OpsFixture(Emulators emulators) {
        aws = AwsClients.from(Environment.of(emulators.environment()));
        var sqs = aws.sqs();
        var dlqUrl = sqs.createQueue(create -> create.queueName(EmulatorsExtension.uniqueName("work-dlq"))).queueUrl();
        var dlqArn = sqs.getQueueAttributes(get -> get.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        var workUrl = sqs.createQueue(create -> create.queueName(EmulatorsExtension.uniqueName("work"))
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                        "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"1\"}"))).queueUrl();
        var plainUrl = sqs.createQueue(create -> create.queueName(EmulatorsExtension.uniqueName("plain"))).queueUrl();
        var builds = table("builds");
        var videos = table("videos");
        deployment = new Deployment("test", Map.of(WORK_QUEUE, workUrl, WORK_DLQ, dlqUrl, PLAIN_QUEUE, plainUrl),
                Map.of(Deployment.BUILDS_TABLE, builds, Deployment.VIDEOS_TABLE, videos),
                Map.of("WorkFunction", "test-WorkFunction"), Map.of());
    }

    public OpsConsole console() {
        return new OpsConsole(deployment, aws.sqs(), aws.dynamoDb(), queueAges(), errorLog());
    }

    QueueAges queueAges() {
        return urls -> Map.copyOf(ages);
    }

    ErrorLog errorLog() {
        return new ErrorLog() {
            @Override
            public List<ErrorLine> recent(int max) {
                if (logsDown) {
                    throw new LogsUnavailableException("the runtime does not answer");
                }
                return errorLines.stream().limit(max).toList();
            }

            @Override
            public Optional<String> reasonFor(String messageId) {
                if (logsDown) {
                    throw new LogsUnavailableException("the runtime does not answer");
                }
                return Optional.ofNullable(reasons.get(messageId));
            }
        };
    }

    public String url(String queue) {
        return deployment.queues().get(queue);
    }

    /** Sends a message and returns its id. */
    public String send(String queue, String body) {
        return aws.sqs().sendMessage(send -> send.queueUrl(url(queue)).messageBody(body)).messageId();
    }

    public void putBuild(String id, String repo, String status, Instant created) {
        var item = new HashMap<String, AttributeValue>();
        item.put("id", AttributeValue.fromS(id));
        item.put("repo", AttributeValue.fromS(repo));
        item.put("ref", AttributeValue.fromS("refs/heads/main"));
        item.put("sha", AttributeValue.fromS("0123456789abcdef0123456789abcdef01234567"));
        item.put("status", AttributeValue.fromS(status));
        item.put("created", AttributeValue.fromN(Long.toString(created.toEpochMilli())));
        item.put("finishedAt", AttributeValue.fromN(Long.toString(created.plusSeconds(42).toEpochMilli())));
        aws.dynamoDb().putItem(put -> put.tableName(deployment.tables().get(Deployment.BUILDS_TABLE)).item(item));
    }

    /** A branch's head item, as BuildStore writes it: not a build. */
    public void putBuildHead(String branch, String buildId, Instant created) {
        aws.dynamoDb().putItem(put -> put.tableName(deployment.tables().get(Deployment.BUILDS_TABLE)).item(Map.of(
                "id", AttributeValue.fromS("head#" + branch), "buildId", AttributeValue.fromS(buildId),
                "created", AttributeValue.fromN(Long.toString(created.toEpochMilli())))));
    }

    public void putVideo(String id, String status, Instant created, List<String> renditions, String reason) {
        var item = new HashMap<String, AttributeValue>();
        item.put("id", AttributeValue.fromS(id));
        item.put("status", AttributeValue.fromS(status));
        item.put("upload", AttributeValue.fromM(Map.of("bucket", AttributeValue.fromS("uploads"),
                "key", AttributeValue.fromS("uploads/" + id + ".mp4"), "size", AttributeValue.fromN("1024"))));
        item.put("created", AttributeValue.fromN(Long.toString(created.getEpochSecond())));
        item.put("updated", AttributeValue.fromN(Long.toString(created.getEpochSecond() + 60)));
        if (!renditions.isEmpty()) {
            item.put("renditions", AttributeValue.fromL(renditions.stream()
                    .map(name -> AttributeValue.fromM(Map.of("name", AttributeValue.fromS(name),
                            "key", AttributeValue.fromS("renditions/" + id + "/" + name + ".mp4"))))
                    .toList()));
        }
        if (reason != null) {
            item.put("reason", AttributeValue.fromS(reason));
        }
        aws.dynamoDb().putItem(put -> put.tableName(deployment.tables().get(Deployment.VIDEOS_TABLE)).item(item));
    }

    public Deployment deployment() {
        return deployment;
    }

    public long visible(String queue) {
        return Long.parseLong(aws.sqs().getQueueAttributes(get -> get.queueUrl(url(queue))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private String table(String prefix) {
        var name = EmulatorsExtension.uniqueName(prefix);
        aws.dynamoDb().createTable(create -> create.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definition -> definition.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(key -> key.attributeName("id").keyType(KeyType.HASH)));
        aws.dynamoDb().waiter().waitUntilTableExists(describe -> describe.tableName(name));
        return name;
    }

    @Override
    public void close() {
        aws.close();
    }
}
