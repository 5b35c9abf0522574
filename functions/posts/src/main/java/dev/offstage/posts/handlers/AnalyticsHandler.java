package dev.offstage.posts.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.analytics.AnalyticsConsumer;
import dev.offstage.shared.logging.LambdaLogging;

/** The analytics queue ({@link dev.offstage.posts.analytics.AnalyticsConsumer}). */
public final class AnalyticsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final AnalyticsConsumer LOGIC = PostsSetup.fromEnvironment().analyticsConsumer();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
