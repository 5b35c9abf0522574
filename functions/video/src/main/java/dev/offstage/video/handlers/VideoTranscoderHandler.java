package dev.offstage.video.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;
import dev.offstage.video.VideoPrimes;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.transcode.VideoTranscoder;

/** The uploads bucket's S3 events ({@link VideoTranscoder}); invoked asynchronously. */
public final class VideoTranscoderHandler implements RequestHandler<S3Event, Void> {

    private static final VideoSetup SETUP = VideoSetup.fromEnvironment();
    private static final VideoTranscoder LOGIC = SETUP.transcoder();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(VideoPrimes.transcoder(SETUP));

    @Override
    public Void handleRequest(S3Event event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            LOGIC.process(event, context);
            return null;
        }
    }
}
