package dev.offstage.local.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How asynchronous invocations (S3 notifications, async invokes) are retried:
 * {@code EventInvokeConfig}, with Lambda's defaults (2 retries, 6 hours) when absent.
 *
 * @param onFailure where an event goes when its retries are exhausted (or it is too old)
 */
public record AsyncConfig(int maximumRetryAttempts, Duration maximumEventAge, Optional<Destination> onFailure,
        Optional<Destination> onSuccess) {

    public static final AsyncConfig LAMBDA_DEFAULTS =
            new AsyncConfig(2, Duration.ofHours(6), Optional.empty(), Optional.empty());

    /**
     * A destination ({@code DestinationConfig.OnFailure/OnSuccess}).
     *
     * @param type {@code SQS}, {@code SNS}, {@code Lambda} or {@code EventBridge}
     * @param logicalId the template resource it names
     */
    public record Destination(String type, String logicalId, String arn) {}
}
