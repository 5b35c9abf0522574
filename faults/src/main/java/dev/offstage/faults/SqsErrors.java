package dev.offstage.faults;

import java.util.ArrayList;
import java.util.Optional;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** SQS's shapes: 400 RequestThrottled or ThrottlingException; 500 InternalError; 503 ServiceUnavailable; a SendMessageBatch's Failed entries. */
final class SqsErrors {

    private static final String SERVICE = "Sqs";

    private SqsErrors() {
    }

    static AwsServiceException throttle(boolean variant, String message, String requestId) {
        if (variant) {
            return SqsException.builder().message(message).statusCode(400).requestId(requestId)
                    .awsErrorDetails(InjectedErrors.details(SERVICE, "ThrottlingException", 400, message)).build();
        }
        return RequestThrottledException.builder().message(message).statusCode(400).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, "RequestThrottled", 400, message)).build();
    }

    static AwsServiceException serverError(boolean unavailable, String message, String requestId) {
        var status = unavailable ? 503 : 500;
        return SqsException.builder().message(message).statusCode(status).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, InjectedErrors.serverErrorCode(unavailable, "InternalError"), status, message))
                .build();
    }

    /** A {@code SendMessageBatch} with some entries left out and answered as {@code Failed} (InternalError, not the sender's fault). */
    static Optional<PartialBatch> partial(SdkRequest request, SplittableRandom random) {
        if (!(request instanceof SendMessageBatchRequest batch) || batch.entries().size() < 2) {
            return Optional.empty();
        }
        var parts = PartialBatch.split(batch.entries(), PartialBatch.leftOut(batch.entries().size(), random));
        var leftOut = parts.get(1);
        return Optional.of(new PartialBatch(batch.toBuilder().entries(parts.get(0)).build(), response -> {
            var failed = new ArrayList<>(((SendMessageBatchResponse) response).failed());
            for (SendMessageBatchRequestEntry entry : leftOut) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).senderFault(false).code("InternalError")
                        .message("Injected by " + FaultPlan.VARIABLE + ": PARTIAL_BATCH").build());
            }
            return ((SendMessageBatchResponse) response).toBuilder().failed(failed).build();
        }, leftOut.size(), batch.entries().size()));
    }
}
