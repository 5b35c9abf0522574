package dev.offstage.faults;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;

/** DynamoDB's shapes: 400 ProvisionedThroughputExceededException or ThrottlingException; 500 InternalServerError; 503 ServiceUnavailable. */
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
}
