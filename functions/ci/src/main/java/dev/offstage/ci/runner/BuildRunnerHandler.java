package dev.offstage.ci.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.ci.CiPrimes;
import dev.offstage.ci.CiSetup;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.shared.priming.Priming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builds queue's consumer (batch size 1): runs the build each message names
 * ({@link BuildRunner}). A message that fails is retried by the queue and ends in its
 * dead-letter queue after {@code maxReceiveCount} receives.
 */
public final class BuildRunnerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(BuildRunnerHandler.class);

    static {
        // Before any build runs: builds are this process's children, as the same user, and must
        // not read its environment (the function's AWS credentials) or memory through /proc.
        var protection = ProcessProtection.protect();
        if (protection.isProtected()) {
            LOG.info("Runner process protected from its builds: {}", protection);
        } else {
            LOG.warn("Runner process NOT protected from its builds: {}", protection);
        }
    }

    private static final CiSetup SETUP = CiSetup.fromEnvironment();
    private static final BuildRunner RUNNER = SETUP.buildRunner();
    /** Run by SnapStart before its snapshot; held here because org.crac holds hooks weakly. */
    private static final Priming PRIMING = Priming.register(CiPrimes.buildRunner(SETUP));

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (var invocation = LambdaLogging.begin(context)) {
            return RUNNER.process(event, context);
        }
    }
}
