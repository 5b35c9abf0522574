package dev.offstage.ops;

import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What a deployment is doing, read with plain SQS and DynamoDB calls. Thread-safe; every method
 * reads current state and none changes anything but {@link #redrive}.
 */
public final class OpsConsole {

    private final Deployment deployment;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final QueueAges ages;
    private final ErrorLog errors;

    public OpsConsole(Deployment deployment, SqsClient sqs, DynamoDbClient dynamoDb, QueueAges ages, ErrorLog errors) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.ages = Objects.requireNonNull(ages, "ages");
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    public Deployment deployment() {
        return deployment;
    }

    /** Every queue of the deployment, sorted by logical id, dead-letter queues linked to their sources. */
    public List<QueueStatus> queues() {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Up to {@code max} messages of a dead-letter queue, oldest first, read without consuming them.
     *
     * @throws IllegalArgumentException if the queue is unknown or no dead-letter queue
     */
    public List<DeadLetter> deadLetters(String queueLogicalId, int max) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Starts moving a dead-letter queue's messages back to its source queue (an SQS message move
     * task).
     *
     * @throws IllegalArgumentException if the queue is unknown, no dead-letter queue, or has more
     *                                  than one source (then the messages' origin is ambiguous)
     */
    public RedriveTask redrive(String deadLetterQueueLogicalId) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The most recent builds, newest first. */
    public List<BuildSummary> recentBuilds(int max) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The most recent videos, newest first. */
    public List<VideoSummary> recentVideos(int max) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The last ERROR lines of the functions' logs, newest first. */
    public List<ErrorLine> recentErrors(int max) {
        return errors.recent(max);
    }
}
