package dev.offstage.local.runtime;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.offstage.local.model.Application;
import dev.offstage.local.resources.ProvisionedResources;
import dev.offstage.local.resources.ResourceProvisioner;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import dev.offstage.local.triggers.SqsEventJson;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A template's resources provisioned in running emulators, as the local runtime provisions them,
 * without starting its functions: for tests and benchmarks that run a function's logic in-process
 * with exactly the environment the template gives the function. Each stack has its own unique
 * name, so stacks in one set of emulators never share a table or a queue.
 */
public class ProvisionedStack implements AutoCloseable {

    public final Emulators emulators;
    public final AwsClients aws;
    public final Application application;
    public final ProvisionedResources resources;

    public ProvisionedStack(Emulators emulators, Path template, Map<String, String> parameterOverrides) {
        this.emulators = emulators;
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        var naming = LocalNaming.of(EmulatorsExtension.uniqueName("stack"), emulators.sqsEndpoint(), URI.create("http://localhost:3000"));
        this.application = Templates.load(template, parameterOverrides, naming);
        this.resources = new ResourceProvisioner(aws).provision(application);
    }

    /** What the function sees: the emulators' endpoints and credentials, and its template environment. */
    public Environment environment(String functionLogicalId) {
        var function = application.functions().get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("The template has no function " + functionLogicalId);
        }
        var variables = new HashMap<>(emulators.environment());
        variables.putAll(function.environment());
        return Environment.of(variables);
    }

    public String queueUrl(String logicalId) {
        return resources.queue(logicalId).url();
    }

    /** Sets a secret the template declares (by logical id) to {@code value}. */
    public void putSecret(String logicalId, String value) {
        aws.secretsManager().putSecretValue(put -> put.secretId(resources.secret(logicalId).arn()).secretString(value));
    }

    /** Takes every message waiting on the queue (deleting them), waiting up to a second for the first. */
    public List<Message> drain(String queueLogicalId) {
        var messages = new ArrayList<Message>();
        var wait = 1;
        while (true) {
            var waitSeconds = wait;
            var received = aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl(queueLogicalId))
                    .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (received.isEmpty()) {
                return messages;
            }
            for (var message : received) {
                aws.sqs().deleteMessage(delete -> delete.queueUrl(queueUrl(queueLogicalId)).receiptHandle(message.receiptHandle()));
            }
            messages.addAll(received);
            wait = 0;
        }
    }

    /**
     * One delivery as Lambda's event source mapping makes it: receives a batch from the queue,
     * hands it to {@code consumer} as the SQS event the local runtime sends (message attributes,
     * system attributes, queue ARN), deletes what succeeded and makes the reported failures
     * visible again at once (rather than after the visibility timeout). Returns the batch, empty
     * when the queue was.
     */
    public SQSEvent deliver(String queueLogicalId, Function<SQSEvent, SQSBatchResponse> consumer) {
        var queue = resources.queue(queueLogicalId);
        var received = aws.sqs().receiveMessage(receive -> receive.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        var batch = received.isEmpty() ? emptyBatch()
                : SqsEvents.SERIALIZER.fromJson(Json.write(SqsEventJson.build(received, queue.arn(), Emulators.REGION)));
        if (received.isEmpty()) {
            return batch;
        }
        var failed = consumer.apply(batch).getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        for (var record : batch.getRecords()) {
            if (failed.contains(record.getMessageId())) {
                aws.sqs().changeMessageVisibility(change -> change.queueUrl(queue.url()).receiptHandle(record.getReceiptHandle())
                        .visibilityTimeout(0));
            } else {
                aws.sqs().deleteMessage(delete -> delete.queueUrl(queue.url()).receiptHandle(record.getReceiptHandle()));
            }
        }
        return batch;
    }

    private static SQSEvent emptyBatch() {
        var batch = new SQSEvent();
        batch.setRecords(new ArrayList<>());
        return batch;
    }

    /**
     * Processes the batch and then, as Lambda's redeliveries would, the messages it reported, until
     * none fails or {@code attempts} ran out; returns the ids that still failed. For consumers that
     * run a batch in parallel, where two messages about one thing can meet.
     */
    public static List<String> settle(SQSEvent batch, Function<SQSEvent, SQSBatchResponse> consumer, int attempts) {
        var pending = batch.getRecords();
        for (var attempt = 1; attempt <= attempts && !pending.isEmpty(); attempt++) {
            var next = new SQSEvent();
            next.setRecords(pending);
            var failed = consumer.apply(next).getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
            pending = pending.stream().filter(record -> failed.contains(record.getMessageId())).toList();
        }
        return pending.stream().map(SQSEvent.SQSMessage::getMessageId).toList();
    }

    /** The Lambda runtime's own SQS event serializer, built once (it takes a while). */
    private static final class SqsEvents {
        static final PojoSerializer<SQSEvent> SERIALIZER =
                LambdaEventSerializers.serializerFor(SQSEvent.class, ProvisionedStack.class.getClassLoader());
    }

    /**
     * What the stack holds: items per table, messages per queue (visible, in flight and delayed) and
     * objects per bucket, keyed {@code "table <logical id>"} etc. Equal before and after means
     * nothing was written (or everything written was taken back).
     */
    public Map<String, Integer> contents() {
        var contents = new java.util.TreeMap<String, Integer>();
        resources.tables().values().forEach(table -> contents.put("table " + table.logicalId(),
                aws.dynamoDb().scanPaginator(scan -> scan.tableName(table.name()).consistentRead(true)).stream()
                        .mapToInt(page -> page.count()).sum()));
        resources.queues().values().forEach(queue -> contents.put("queue " + queue.logicalId(),
                aws.sqs().getQueueAttributes(get -> get.queueUrl(queue.url()).attributeNamesWithStrings(
                                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"))
                        .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum()));
        resources.buckets().values().forEach(bucket -> contents.put("bucket " + bucket.logicalId(),
                aws.s3().listObjectsV2Paginator(list -> list.bucket(bucket.name())).stream()
                        .mapToInt(page -> page.contents().size()).sum()));
        return contents;
    }

    @Override
    public void close() {
        aws.close();
    }
}
