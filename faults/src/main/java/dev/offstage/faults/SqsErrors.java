package dev.offstage.faults;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** SQS's shapes: 400 RequestThrottled or ThrottlingException; 500 InternalError; 503 ServiceUnavailable. */
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
}
