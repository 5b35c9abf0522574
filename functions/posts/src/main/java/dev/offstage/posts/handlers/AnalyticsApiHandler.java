package dev.offstage.posts.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.posts.PostsPrimes;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.api.AnalyticsApi;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;

/** {@code GET /analytics/trending} and {@code GET /analytics/authors/{id}} ({@link dev.offstage.posts.api.AnalyticsApi}). */
public final class AnalyticsApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final PostsSetup SETUP = PostsSetup.fromEnvironment();
    private static final AnalyticsApi LOGIC = SETUP.analyticsApi();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(PostsPrimes.analyticsApi(LOGIC));

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return ApiResponses.handle(event, LOGIC::respond);
        }
    }
}
