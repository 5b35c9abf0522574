package dev.offstage.video.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;
import dev.offstage.video.VideoPrimes;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.failures.FailureRecorder;

/** The failures queue ({@link FailureRecorder}). */
public final class FailureRecorderHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final VideoSetup SETUP = VideoSetup.fromEnvironment();
    private static final FailureRecorder LOGIC = SETUP.failureRecorder();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(VideoPrimes.failureRecorder(SETUP));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
