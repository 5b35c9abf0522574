package dev.offstage.posts.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.index.IndexConsumer;
import dev.offstage.shared.logging.LambdaLogging;

/** The index queue ({@link dev.offstage.posts.index.IndexConsumer}). */
public final class IndexHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final IndexConsumer LOGIC = PostsSetup.fromEnvironment().indexConsumer();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
