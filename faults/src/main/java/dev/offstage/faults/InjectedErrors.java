package dev.offstage.faults;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The service exceptions the injector throws: the SDK's own types, status codes and error codes,
 * so that the SDK's retry strategy classifies them as it classifies AWS's (throttling codes such as
 * {@code ProvisionedThroughputExceededException}, {@code RequestThrottled} and {@code SlowDown};
 * retryable 500 and 503). Each service's exceptions live in their own class so a function without
 * the S3 jar never loads an S3 type.
 */
final class InjectedErrors {

    private InjectedErrors() {
    }

    /**
     * A throttling error for {@code service}.
     *
     * @param variant picks between the service's throttling shapes where it has two
     */
    static AwsServiceException throttle(AwsService service, boolean variant, String message, String requestId) {
        return switch (service) {
            case DYNAMODB -> DynamoDbErrors.throttle(variant, message, requestId);
            case SQS -> SqsErrors.throttle(variant, message, requestId);
            case S3 -> S3Errors.throttle(message, requestId);
        };
    }

    /** A server error for {@code service}: a 503 when {@code unavailable}, else a 500. */
    static AwsServiceException serverError(AwsService service, boolean unavailable, String message, String requestId) {
        return switch (service) {
            case DYNAMODB -> DynamoDbErrors.serverError(unavailable, message, requestId);
            case SQS -> SqsErrors.serverError(unavailable, message, requestId);
            case S3 -> S3Errors.serverError(unavailable, message, requestId);
        };
    }

    static AwsErrorDetails details(String serviceName, String errorCode, int status, String message) {
        return AwsErrorDetails.builder()
                .serviceName(serviceName)
                .errorCode(errorCode)
                .errorMessage(message)
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                .build();
    }

    /** A 500 or 503 error code as the services name them. */
    static String serverErrorCode(boolean unavailable, String internalErrorCode) {
        return unavailable ? "ServiceUnavailable" : internalErrorCode;
    }
}
