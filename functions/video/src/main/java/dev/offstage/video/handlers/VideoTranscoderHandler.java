package dev.offstage.video.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.transcode.VideoTranscoder;

/** The uploads bucket's S3 events ({@link VideoTranscoder}); invoked asynchronously. */
public final class VideoTranscoderHandler implements RequestHandler<S3Event, Void> {

    private static final VideoTranscoder LOGIC = VideoSetup.fromEnvironment().transcoder();

    @Override
    public Void handleRequest(S3Event event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            LOGIC.process(event, context);
            return null;
        }
    }
}
