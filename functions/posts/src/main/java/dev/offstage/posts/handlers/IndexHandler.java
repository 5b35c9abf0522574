package dev.offstage.posts.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.PostsPrimes;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.index.IndexConsumer;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;

/** The index queue ({@link dev.offstage.posts.index.IndexConsumer}). */
public final class IndexHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final PostsSetup SETUP = PostsSetup.fromEnvironment();
    private static final IndexConsumer LOGIC = SETUP.indexConsumer();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(PostsPrimes.index(SETUP));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
