package dev.offstage.video.store;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;

/**
 * Loses DynamoDB's answer to the next writes of one operation: the write lands, the client sees a
 * 500 and the SDK retries it — what a dropped connection or a server error after the write does
 * in AWS (and offstage-faults' {@code failAfterWrite}), here once and on cue.
 */
final class LostAnswers implements ExecutionInterceptor {

    private final String operation;
    private final AtomicInteger remaining = new AtomicInteger();

    /** @param operation the SDK's operation name, e.g. {@code UpdateItem} */
    LostAnswers(String operation) {
        this.operation = operation;
    }

    /** The next {@code count} successful calls of the operation land, and their answers are lost. */
    void loseNext(int count) {
        remaining.set(count);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (!operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)) || !context.httpResponse().isSuccessful()
                || remaining.getAndUpdate(count -> Math.max(0, count - 1)) == 0) {
            return;
        }
        throw InternalServerErrorException.builder().statusCode(500).message("The answer was lost after the write landed")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode("InternalServerError")
                        .errorMessage("The answer was lost after the write landed").build())
                .build();
    }
}
