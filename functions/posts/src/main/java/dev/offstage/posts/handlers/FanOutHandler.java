package dev.offstage.posts.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.PostsPrimes;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.fanout.FanOut;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;

/** The posts queue: every event to the index, spam and analytics queues ({@link dev.offstage.posts.fanout.FanOut}). */
public final class FanOutHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final PostsSetup SETUP = PostsSetup.fromEnvironment();
    private static final FanOut LOGIC = SETUP.fanOut();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(PostsPrimes.fanOut(SETUP));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return LOGIC.process(event, context);
        }
    }
}
