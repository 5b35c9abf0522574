package dev.offstage.ci.pages;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.ci.CiSetup;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.logging.LambdaLogging;

/** {@code GET /builds/{id}} and {@code GET /repos/{owner}/{repo}/builds} ({@link BuildPages}). */
public final class BuildPagesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final BuildPages PAGES = CiSetup.fromEnvironment().buildPages();

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return ApiResponses.handle(event, PAGES::respond);
        }
    }
}
