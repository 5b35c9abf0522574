package dev.offstage.ci.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.ci.CiPrimes;
import dev.offstage.ci.CiSetup;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;

/** {@code POST /github/webhook}: GitHub deliveries in, queued builds out ({@link WebhookIntake}). */
public final class GitHubWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final CiSetup SETUP = CiSetup.fromEnvironment();
    private static final WebhookIntake INTAKE = SETUP.webhookIntake();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(CiPrimes.webhook(SETUP, INTAKE));

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return ApiResponses.handle(event, INTAKE::receive);
        }
    }
}
