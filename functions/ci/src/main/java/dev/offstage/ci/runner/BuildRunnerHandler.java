package dev.offstage.ci.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.ci.CiSetup;
import dev.offstage.shared.logging.LambdaLogging;

/**
 * The builds queue's consumer (batch size 1): runs the build each message names
 * ({@link BuildRunner}). A message that fails is retried by the queue and ends in its
 * dead-letter queue after {@code maxReceiveCount} receives.
 */
public final class BuildRunnerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final BuildRunner RUNNER = CiSetup.fromEnvironment().buildRunner();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return RUNNER.process(event, context);
        }
    }
}
