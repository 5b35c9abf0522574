package dev.offstage.faults;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3's shapes: 503 SlowDown (its throttling); 500 InternalError; 503 ServiceUnavailable. */
final class S3Errors {

    private static final String SERVICE = "S3";

    private S3Errors() {
    }

    static AwsServiceException throttle(String message, String requestId) {
        return S3Exception.builder().message(message).statusCode(503).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, "SlowDown", 503, message)).build();
    }

    static AwsServiceException serverError(boolean unavailable, String message, String requestId) {
        var status = unavailable ? 503 : 500;
        return S3Exception.builder().message(message).statusCode(status).requestId(requestId)
                .awsErrorDetails(InjectedErrors.details(SERVICE, InjectedErrors.serverErrorCode(unavailable, "InternalError"), status, message))
                .build();
    }
}
