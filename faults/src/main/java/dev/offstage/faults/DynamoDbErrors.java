package dev.offstage.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/**
 * DynamoDB's shapes: 400 ProvisionedThroughputExceededException or ThrottlingException; 500 InternalServerError; 503
 * ServiceUnavailable; a BatchWriteItem's UnprocessedItems.
 */
final class DynamoDbErrors {

    private static final String SERVICE = "DynamoDb";

    private DynamoDbErrors() {
    }

    static AwsServiceException throttle(boolean variant, String message, String requestId) {
        if (variant) {
            return ThrottlingException.builder().message(message).statusCode(400).requestId(requestId)
                    .awsErrorDetails(InjectedErrors.details(SERVICE, "ThrottlingException", 400, message)).build();
        }
        return ProvisionedThroughputExceededException.builder().message(message).statusCode(400).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, "ProvisionedThroughputExceededException", 400, message)).build();
    }

    static AwsServiceException serverError(boolean unavailable, String message, String requestId) {
        if (unavailable) {
            return DynamoDbException.builder().message(message).statusCode(503).requestId(requestId)
                    .awsErrorDetails(InjectedErrors.details(SERVICE, "ServiceUnavailable", 503, message)).build();
        }
        return InternalServerErrorException.builder().message(message).statusCode(500).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, "InternalServerError", 500, message)).build();
    }

    /** A {@code BatchWriteItem} with some requests left out and returned in {@code UnprocessedItems}. */
    static Optional<PartialBatch> partial(SdkRequest request, SplittableRandom random) {
        if (!(request instanceof BatchWriteItemRequest batch)) {
            return Optional.empty();
        }
        var entries = new ArrayList<Map.Entry<String, WriteRequest>>();
        batch.requestItems().forEach((table, writes) -> writes.forEach(write -> entries.add(Map.entry(table, write))));
        if (entries.size() < 2) {
            return Optional.empty();
        }
        var parts = PartialBatch.split(entries, PartialBatch.leftOut(entries.size(), random));
        var kept = byTable(parts.get(0));
        var leftOut = byTable(parts.get(1));
        return Optional.of(new PartialBatch(batch.toBuilder().requestItems(kept).build(), response -> {
            var unprocessed = new HashMap<String, List<WriteRequest>>();
            ((BatchWriteItemResponse) response).unprocessedItems().forEach((table, writes) ->
                    unprocessed.computeIfAbsent(table, ignored -> new ArrayList<>()).addAll(writes));
            leftOut.forEach((table, writes) -> unprocessed.computeIfAbsent(table, ignored -> new ArrayList<>()).addAll(writes));
            return ((BatchWriteItemResponse) response).toBuilder().unprocessedItems(unprocessed).build();
        }, parts.get(1).size(), entries.size()));
    }

    private static Map<String, List<WriteRequest>> byTable(List<Map.Entry<String, WriteRequest>> entries) {
        var byTable = new HashMap<String, List<WriteRequest>>();
        entries.forEach(entry -> byTable.computeIfAbsent(entry.getKey(), ignored -> new ArrayList<>()).add(entry.getValue()));
        return byTable;
    }
}
