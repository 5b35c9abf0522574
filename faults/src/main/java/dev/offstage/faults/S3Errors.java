package dev.offstage.faults;

import java.util.ArrayList;
import java.util.Optional;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3's shapes: 503 SlowDown (its throttling); 500 InternalError; 503 ServiceUnavailable; a DeleteObjects' Errors. */
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

    /** A {@code DeleteObjects} with some keys left out and answered in its {@code Errors} (InternalError). */
    static Optional<PartialBatch> partial(SdkRequest request, SplittableRandom random) {
        if (!(request instanceof DeleteObjectsRequest batch) || batch.delete() == null || batch.delete().objects().size() < 2) {
            return Optional.empty();
        }
        var objects = batch.delete().objects();
        var parts = PartialBatch.split(objects, PartialBatch.leftOut(objects.size(), random));
        var leftOut = parts.get(1);
        var kept = batch.toBuilder().delete(batch.delete().toBuilder().objects(parts.get(0)).build()).build();
        return Optional.of(new PartialBatch(kept, response -> {
            var errors = new ArrayList<>(((DeleteObjectsResponse) response).errors());
            for (ObjectIdentifier object : leftOut) {
                errors.add(S3Error.builder().key(object.key()).versionId(object.versionId()).code("InternalError")
                        .message("Injected by " + FaultPlan.VARIABLE + ": PARTIAL_BATCH").build());
            }
            return ((DeleteObjectsResponse) response).toBuilder().errors(errors).build();
        }, leftOut.size(), objects.size()));
    }
}
