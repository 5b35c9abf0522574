package dev.offstage.local.model;

import java.time.Duration;
import java.util.Optional;

/**
 * One {@code AWS::SQS::Queue}, with its local name; URL and ARN are known once created.
 *
 * @param name the physical name ({@code QueueName}, else derived; FIFO names end in {@code .fifo})
 * @param redrive the dead-letter queue's logical id and {@code maxReceiveCount}
 */
public record QueueSpec(String logicalId, String name, boolean fifo, boolean contentBasedDeduplication,
        Duration visibilityTimeout, Duration messageRetention, Optional<Redrive> redrive) {

    public record Redrive(String deadLetterQueueLogicalId, int maxReceiveCount) {}
}
