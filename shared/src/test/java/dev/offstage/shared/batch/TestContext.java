package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A Lambda {@link Context} as the runtime hands it to a function, with a remaining time tests can move. */
final class TestContext implements Context {

    private final AtomicInteger remainingMillis = new AtomicInteger(30_000);

    /** Pretends the invocation has {@code millis} left, as if the clock had run on. */
    TestContext remaining(int millis) {
        remainingMillis.set(millis);
        return this;
    }

    @Override public String getAwsRequestId() { return "7f1e3b52-2c4d-4e8a-9b61-0d5c8a3e2f10"; }
    @Override public String getLogGroupName() { return "/aws/lambda/offstage-test"; }
    @Override public String getLogStreamName() { return "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef"; }
    @Override public String getFunctionName() { return "offstage-test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:offstage-test"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingMillis.get(); }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.print(message); }
            @Override public void log(byte[] message) { System.out.print(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
