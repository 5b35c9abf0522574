package dev.offstage.video.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;
import dev.offstage.video.VideoPrimes;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.segments.Assembler;

/** The assembly queue ({@link Assembler}). */
public final class AssemblerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final VideoSetup SETUP = VideoSetup.fromEnvironment();
    private static final Assembler LOGIC = SETUP.assembler();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(VideoPrimes.assembler(SETUP));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
