package dev.offstage.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.ops.ErrorLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the console remembers of the runtime: invocations and the functions' ERROR lines, bounded. */
class ConsoleLogsTest {

    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyInvocationIsRecordedWithItsTriggerOutcomeAndDurationNewestFirst() {
        var log = new InvocationLog(10);
        var http = log.recording(answering(Invocation.Outcome.SUCCESS, 42), InvocationLog.HTTP);
        var async = log.recording(answering(Invocation.Outcome.FUNCTION_ERROR, 7), InvocationLog.ASYNC);

        http.invoke("Echo", EVENT, "GET /echo/{name}");
        async.invoke("Upload", EVENT, "s3:uploads ObjectCreated:Put (async, attempt 1)", "request-2");
        async.invoke("Upload", EVENT, "async invoke (async, attempt 1)", "request-3");

        var recent = log.recent(10);
        assertThat(recent).extracting(InvocationRecord::requestId).containsExactly("request-3", "request-2", "Echo-request");
        assertThat(recent).extracting(InvocationRecord::trigger).containsExactly("async", "s3", "http");
        assertThat(recent.get(2).outcome()).isEqualTo("OK");
        assertThat(recent.get(2).durationMs()).isEqualTo(42);
        assertThat(recent.get(2).source()).isEqualTo("GET /echo/{name}");
        assertThat(recent.get(2).errorType()).isNull();
        assertThat(recent.get(1).outcome()).isEqualTo("ERROR");
        assertThat(recent.get(1).errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(log.counts("Upload")).containsEntry("ERROR", 2L).doesNotContainKey("OK");
        assertThat(log.counts("Echo")).containsEntry("OK", 1L);
        assertThat(log.counts("Nobody")).isEmpty();
    }

    @Test
    void onlyTheLastInvocationsAreKeptButCountsCoverAll() {
        var log = new InvocationLog(3);
        var direct = log.recording(answering(Invocation.Outcome.TIMEOUT, 5000), InvocationLog.DIRECT);
        for (int i = 0; i < 5; i++) {
            direct.invoke("Slow", EVENT, null, "request-" + i);
        }

        assertThat(log.recent(10)).extracting(InvocationRecord::requestId)
                .containsExactly("request-4", "request-3", "request-2");
        assertThat(log.recent(1)).hasSize(1);
        assertThat(log.counts("Slow")).containsEntry("TIMEOUT", 5L);
    }

    @Test
    void errorLinesOfTheStructuredLogAreKeptWithTheirExceptionAndFoundByMessageId() {
        var errors = new FunctionErrorLog(10);
        errors.line("BatchFunction", "{\"timestamp\":\"2026-11-27T13:00:00.000Z\",\"level\":\"INFO\",\"message\":\"fine\"}");
        errors.line("BatchFunction", "Exception in thread main: \"ERROR\" (not JSON)");
        errors.line("BatchFunction", "{\"timestamp\":\"2026-11-27T13:00:01.000Z\",\"level\":\"ERROR\","
                + "\"message\":\"SQS message m-1 failed (receive count 1); reported for retry\","
                + "\"function_request_id\":\"r-1\",\"sqs_message_id\":\"m-1\","
                + "\"error_type\":\"java.lang.IllegalArgumentException\",\"error_message\":\"The message asked to fail\"}");
        errors.line("EchoFunction", "{\"timestamp\":\"not a time\",\"level\":\"ERROR\",\"message\":\"boom\"}");
        // The runtime client's line for an uncaught exception: its request id key, the trace in the message.
        errors.line("EchoFunction", "{\"timestamp\":\"2026-11-27T13:00:02.000Z\",\"message\":\"It broke: java.lang.IllegalStateException"
                + "\\njava.lang.IllegalStateException: It broke\\n\\tat Echo.handle(Echo.java:3)\\n\",\"level\":\"ERROR\","
                + "\"AWSRequestId\":\"r-2\"}");

        var recent = errors.recent(10);
        assertThat(recent).extracting(ErrorLine::function).containsExactly("EchoFunction", "EchoFunction", "BatchFunction");
        assertThat(recent.getFirst().message()).isEqualTo("It broke: java.lang.IllegalStateException");
        assertThat(recent.getFirst().requestId()).isEqualTo("r-2");
        recent = recent.subList(1, 3);
        assertThat(recent.get(1).time()).isEqualTo(Instant.parse("2026-11-27T13:00:01Z"));
        assertThat(recent.get(1).requestId()).isEqualTo("r-1");
        assertThat(recent.get(1).message()).isEqualTo("SQS message m-1 failed (receive count 1); reported for retry: "
                + "java.lang.IllegalArgumentException: The message asked to fail");
        assertThat(recent.getFirst().message()).isEqualTo("boom");
        assertThat(recent.getFirst().requestId()).isNull();
        assertThat(errors.reasonFor("m-1")).hasValueSatisfying(reason -> assertThat(reason).contains("asked to fail"));
        assertThat(errors.reasonFor("m-2")).isEmpty();
        assertThat(errors.naming("m-1", 10)).hasSize(1);
    }

    @Test
    void onlyTheLastErrorLinesAreKept() {
        var errors = new FunctionErrorLog(2);
        for (int i = 0; i < 4; i++) {
            errors.line("F", "{\"level\":\"ERROR\",\"message\":\"error " + i + "\"}");
        }
        assertThat(errors.recent(10)).extracting(ErrorLine::message).containsExactly("error 3", "error 2");
    }

    private static Invoker answering(Invocation.Outcome outcome, long millis) {
        return new Invoker() {
            @Override
            public Invocation invoke(String function, byte[] event) {
                return invoke(function, event, null, function + "-request");
            }

            @Override
            public Invocation invoke(String function, byte[] event, String trigger) {
                return invoke(function, event, trigger, function + "-request");
            }

            @Override
            public Invocation invoke(String function, byte[] event, String trigger, String requestId) {
                var ok = outcome == Invocation.Outcome.SUCCESS;
                return new Invocation(function, requestId, outcome, "{}".getBytes(StandardCharsets.UTF_8),
                        ok ? "" : "java.lang.IllegalStateException", ok ? "" : "it broke", List.of(),
                        Duration.ofMillis(millis));
            }
        };
    }
}
