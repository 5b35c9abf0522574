package dev.offstage.local.resources;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.BucketSpec;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.local.model.SecretSpec;
import dev.offstage.local.model.TableSpec;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.json.Json;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates the application's tables, queues, buckets and secrets in the emulators (or LocalStack) that
 * {@link AwsClients} point at.
 *
 * <ul>
 *   <li>Tables: key schema and global secondary indexes, on-demand billing; TTL where the service
 *       supports it (dynalite does not — items never expire there).</li>
 *   <li>Queues: dead-letter queues before the queues that redrive to them; FIFO and content-based
 *       deduplication, visibility timeout, retention and the redrive policy as attributes
 *       (ElasticMQ honours the redrive policy; it accepts {@code MessageRetentionPeriod} but
 *       ignores it, so messages never expire there).</li>
 *   <li>Buckets: versioning where the template enables it (S3Proxy's in-memory store supports it:
 *       objects get version ids). A store that answers {@code NotImplemented} gets an unversioned
 *       bucket, reported in {@link ProvisionedResources.Bucket#versioned()} and logged.</li>
 *   <li>Secrets: {@code CreateSecret} with the local value, so functions read it with
 *       {@code GetSecretValue} as in AWS; an existing secret gets the value as a new current
 *       version.</li>
 * </ul>
 *
 * <p>Idempotent: a resource that already exists is kept (a queue's attributes are set again), so
 * provisioning twice against the same emulators succeeds. Failures of the services propagate as
 * the SDK's exceptions.
 */
public final class ResourceProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceProvisioner.class);

    private final AwsClients aws;

    public ResourceProvisioner(AwsClients aws) {
        this.aws = aws;
    }

    /** Creates every table, queue, bucket and secret of {@code application}; returns their URLs and ARNs. */
    public ProvisionedResources provision(Application application) {
        var tables = new LinkedHashMap<String, ProvisionedResources.Table>();
        application.tables().values().forEach(table -> tables.put(table.logicalId(), createTable(table)));
        var queues = new LinkedHashMap<String, ProvisionedResources.Queue>();
        for (var queue : deadLetterQueuesFirst(application.queues())) {
            queues.put(queue.logicalId(), createQueue(queue, queues));
        }
        var buckets = new LinkedHashMap<String, ProvisionedResources.Bucket>();
        application.buckets().values().forEach(bucket -> buckets.put(bucket.logicalId(), createBucket(bucket)));
        var secrets = new LinkedHashMap<String, ProvisionedResources.Secret>();
        application.secrets().values().forEach(secret -> secrets.put(secret.logicalId(), createSecret(secret)));
        return new ProvisionedResources(queues, tables, buckets, secrets);
    }

    // ---- Secrets Manager ------------------------------------------------------------------------

    private ProvisionedResources.Secret createSecret(SecretSpec secret) {
        var secretsManager = aws.secretsManager();
        String arn;
        try {
            arn = secretsManager.createSecret(create -> create.name(secret.name()).secretString(secret.value())).arn();
            LOG.debug("Created secret {} ({})", secret.name(), secret.logicalId());
        } catch (ResourceExistsException e) {
            // A LocalStack that outlived a run: the value given now (perhaps by --secret) wins.
            arn = secretsManager.putSecretValue(put -> put.secretId(secret.name()).secretString(secret.value())).arn();
            LOG.debug("Secret {} ({}) exists already; value updated", secret.name(), secret.logicalId());
        }
        return new ProvisionedResources.Secret(secret.logicalId(), secret.name(), arn, secret.value());
    }

    // ---- DynamoDB -------------------------------------------------------------------------------

    private ProvisionedResources.Table createTable(TableSpec table) {
        var dynamoDb = aws.dynamoDb();
        var keyAttributes = new LinkedHashSet<String>(keyAttributes(table.key()));
        table.globalSecondaryIndexes().forEach(index -> keyAttributes.addAll(keyAttributes(index.key())));
        try {
            dynamoDb.createTable(create -> {
                create.tableName(table.name())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        // Only key attributes: DynamoDB rejects definitions no key uses (local secondary
                        // indexes are not created here, so their attributes are left out too).
                        .attributeDefinitions(keyAttributes.stream()
                                .map(name -> AttributeDefinition.builder().attributeName(name)
                                        .attributeType(table.attributeTypes().get(name)).build())
                                .toList())
                        .keySchema(keySchema(table.key()));
                if (!table.globalSecondaryIndexes().isEmpty()) {
                    create.globalSecondaryIndexes(table.globalSecondaryIndexes().stream().map(ResourceProvisioner::index).toList());
                }
            });
            LOG.debug("Created table {} ({})", table.name(), table.logicalId());
        } catch (ResourceInUseException e) {
            LOG.debug("Table {} ({}) exists already", table.name(), table.logicalId());
        }
        dynamoDb.waiter().waitUntilTableExists(describe -> describe.tableName(table.name()));
        table.ttlAttribute().ifPresent(attribute -> enableTimeToLive(table, attribute));
        var arn = dynamoDb.describeTable(describe -> describe.tableName(table.name())).table().tableArn();
        return new ProvisionedResources.Table(table.logicalId(), table.name(), arn);
    }

    private void enableTimeToLive(TableSpec table, String attribute) {
        try {
            aws.dynamoDb().updateTimeToLive(update -> update.tableName(table.name())
                    .timeToLiveSpecification(spec -> spec.attributeName(attribute).enabled(true)));
        } catch (DynamoDbException e) {
            if (!isHarmlessTtlFailure(e)) {
                throw e;
            }
            LOG.debug("Table {}: TTL on {} not enabled by this DynamoDB ({}); items do not expire",
                    table.name(), attribute, e.awsErrorDetails().errorCode());
        }
    }

    /** dynalite does not implement UpdateTimeToLive; a second run finds TTL already enabled. */
    private static boolean isHarmlessTtlFailure(DynamoDbException e) {
        var code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        return code.equals("UnknownOperationException")
                || (code.equals("ValidationException") && String.valueOf(e.getMessage()).contains("already enabled"));
    }

    private static List<String> keyAttributes(TableSpec.Key key) {
        var names = new ArrayList<String>();
        names.add(key.partitionKey());
        key.sortKey().ifPresent(names::add);
        return names;
    }

    private static List<KeySchemaElement> keySchema(TableSpec.Key key) {
        var schema = new ArrayList<KeySchemaElement>();
        schema.add(KeySchemaElement.builder().attributeName(key.partitionKey()).keyType(KeyType.HASH).build());
        key.sortKey().ifPresent(sort -> schema.add(KeySchemaElement.builder().attributeName(sort).keyType(KeyType.RANGE).build()));
        return schema;
    }

    private static GlobalSecondaryIndex index(TableSpec.Index index) {
        var projection = Projection.builder().projectionType(ProjectionType.fromValue(index.projectionType()));
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return GlobalSecondaryIndex.builder()
                .indexName(index.name())
                .keySchema(keySchema(index.key()))
                .projection(projection.build())
                .build();
    }

    // ---- SQS ------------------------------------------------------------------------------------

    /** Queues ordered so that each dead-letter queue comes before every queue that redrives to it. */
    static List<QueueSpec> deadLetterQueuesFirst(Map<String, QueueSpec> queues) {
        var ordered = new LinkedHashMap<String, QueueSpec>();
        var visiting = new LinkedHashSet<String>();
        queues.keySet().stream().sorted().forEach(id -> addAfterDeadLetterQueue(id, queues, ordered, visiting));
        return List.copyOf(ordered.values());
    }

    private static void addAfterDeadLetterQueue(String id, Map<String, QueueSpec> queues, Map<String, QueueSpec> ordered,
            Set<String> visiting) {
        if (ordered.containsKey(id)) {
            return;
        }
        var queue = queues.get(id);
        if (queue == null) {
            throw new IllegalArgumentException("a redrive policy names queue " + id + ", which the application does not declare");
        }
        if (!visiting.add(id)) {
            throw new IllegalArgumentException("redrive policies form a circle through queue " + id);
        }
        queue.redrive().ifPresent(redrive -> addAfterDeadLetterQueue(redrive.deadLetterQueueLogicalId(), queues, ordered, visiting));
        visiting.remove(id);
        ordered.put(id, queue);
    }

    private ProvisionedResources.Queue createQueue(QueueSpec queue, Map<String, ProvisionedResources.Queue> created) {
        var sqs = aws.sqs();
        var attributes = new EnumMap<QueueAttributeName, String>(QueueAttributeName.class);
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(queue.visibilityTimeout().toSeconds()));
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(queue.messageRetention().toSeconds()));
        if (queue.fifo()) {
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, String.valueOf(queue.contentBasedDeduplication()));
        }
        queue.redrive().ifPresent(redrive -> attributes.put(QueueAttributeName.REDRIVE_POLICY, Json.write(Map.of(
                "deadLetterTargetArn", created.get(redrive.deadLetterQueueLogicalId()).arn(),
                // SQS documents maxReceiveCount as a string in this JSON.
                "maxReceiveCount", String.valueOf(redrive.maxReceiveCount())))));
        String url;
        try {
            var createAttributes = new EnumMap<>(attributes);
            if (queue.fifo()) {
                // FifoQueue can only be given at creation; SQS refuses it on an existing queue.
                createAttributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            url = sqs.createQueue(create -> create.queueName(queue.name()).attributes(createAttributes)).queueUrl();
            LOG.debug("Created queue {} ({})", queue.name(), queue.logicalId());
        } catch (QueueNameExistsException e) {
            // Same name, other attributes: keep the queue and bring its attributes up to date.
            url = sqs.getQueueUrl(get -> get.queueName(queue.name())).queueUrl();
            var queueUrl = url;
            sqs.setQueueAttributes(set -> set.queueUrl(queueUrl).attributes(attributes));
            LOG.debug("Queue {} ({}) exists already; attributes updated", queue.name(), queue.logicalId());
        }
        var queueUrl = url;
        var arn = sqs.getQueueAttributes(get -> get.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new ProvisionedResources.Queue(queue.logicalId(), queue.name(), url, arn);
    }

    // ---- S3 -------------------------------------------------------------------------------------

    private ProvisionedResources.Bucket createBucket(BucketSpec bucket) {
        var s3 = aws.s3();
        try {
            s3.createBucket(create -> create.bucket(bucket.name()));
            LOG.debug("Created bucket {} ({})", bucket.name(), bucket.logicalId());
        } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
            LOG.debug("Bucket {} ({}) exists already", bucket.name(), bucket.logicalId());
        }
        var versioned = bucket.versioned() && enableVersioning(bucket);
        return new ProvisionedResources.Bucket(bucket.logicalId(), bucket.name(), "arn:aws:s3:::" + bucket.name(), versioned);
    }

    private boolean enableVersioning(BucketSpec bucket) {
        try {
            aws.s3().putBucketVersioning(put -> put.bucket(bucket.name())
                    .versioningConfiguration(versioning -> versioning.status(BucketVersioningStatus.ENABLED)));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() != 501) {
                throw e;
            }
            LOG.warn("Bucket {} ({}): the S3 emulator does not support versioning; objects get no version ids",
                    bucket.name(), bucket.logicalId());
            return false;
        }
    }
}
