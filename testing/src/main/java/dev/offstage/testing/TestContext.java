package dev.offstage.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A real Lambda {@link Context} for tests: a fresh request id, and remaining time that counts down
 * from the function's timeout as Lambda's does. Never pass {@code null} for a context.
 *
 * <pre>{@code
 * var context = TestContext.forFunction("BuildRunner").timeout(Duration.ofSeconds(900));
 * }</pre>
 */
public final class TestContext implements Context {

    private final String functionName;
    private final String functionVersion;
    private final int memoryLimitMb;
    private final String awsRequestId;
    private final Instant deadline;
    private final Clock clock;
    private final String xrayTraceId;

    private TestContext(String functionName, String functionVersion, int memoryLimitMb, String awsRequestId,
            Instant deadline, Clock clock, String xrayTraceId) {
        this.functionName = functionName;
        this.functionVersion = functionVersion;
        this.memoryLimitMb = memoryLimitMb;
        this.awsRequestId = awsRequestId;
        this.deadline = deadline;
        this.clock = clock;
        this.xrayTraceId = xrayTraceId;
    }

    /** A context for {@code functionName}, version {@code $LATEST}, 512 MB, 30 s timeout, starting now. */
    public static TestContext forFunction(String functionName) {
        var clock = Clock.systemUTC();
        return new TestContext(functionName, "$LATEST", 512, UUID.randomUUID().toString(),
                clock.instant().plus(Duration.ofSeconds(30)), clock, null);
    }

    /** This context with the given timeout, counting from now on this context's clock. */
    public TestContext timeout(Duration timeout) {
        return new TestContext(functionName, functionVersion, memoryLimitMb, awsRequestId,
                clock.instant().plus(timeout), clock, xrayTraceId);
    }

    /** This context measuring remaining time on {@code clock} (deadline kept relative to the new clock's now). */
    public TestContext clock(Clock newClock, Duration timeout) {
        return new TestContext(functionName, functionVersion, memoryLimitMb, awsRequestId,
                newClock.instant().plus(timeout), newClock, xrayTraceId);
    }

    /** This context with another request id, as for the next invocation. */
    public TestContext nextInvocation() {
        return new TestContext(functionName, functionVersion, memoryLimitMb, UUID.randomUUID().toString(),
                deadline, clock, xrayTraceId);
    }

    /** This context with the given request id. */
    public TestContext requestId(String requestId) {
        return new TestContext(functionName, functionVersion, memoryLimitMb, requestId, deadline, clock, xrayTraceId);
    }

    /** This context with an X-Ray trace header ({@code Root=...;Parent=...;Sampled=...}). */
    public TestContext xrayTraceId(String traceHeader) {
        return new TestContext(functionName, functionVersion, memoryLimitMb, awsRequestId, deadline, clock, traceHeader);
    }

    public TestContext version(String version) {
        return new TestContext(functionName, version, memoryLimitMb, awsRequestId, deadline, clock, xrayTraceId);
    }

    /** The instant this invocation's time runs out. */
    public Instant deadline() {
        return deadline;
    }

    @Override
    public String getAwsRequestId() {
        return awsRequestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "test/[" + functionVersion + "]" + awsRequestId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return functionVersion;
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + Emulators.REGION + ":" + Emulators.ACCOUNT_ID + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    }

    @Override
    public String getXrayTraceId() {
        return xrayTraceId;
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return StdoutLogger.INSTANCE;
    }

    private enum StdoutLogger implements LambdaLogger {
        INSTANCE;

        @Override
        public void log(String message) {
            System.out.println(message);
        }

        @Override
        public void log(byte[] message) {
            System.out.println(new String(message, StandardCharsets.UTF_8));
        }
    }
}
