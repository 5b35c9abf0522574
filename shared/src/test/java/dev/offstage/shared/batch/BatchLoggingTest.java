package dev.offstage.shared.batch;

import dev.offstage.testing.LogCapture;
import dev.offstage.testing.TestContext;
import static dev.offstage.shared.batch.TestEvents.eventOf;
import static dev.offstage.shared.batch.TestEvents.message;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static dev.offstage.shared.batch.TestEvents.standardBatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

class BatchLoggingTest {

    private final TestContext context = TestContext.forFunction("offstage-test");

    @BeforeEach
    void startRecording() {
        LogCapture.start();
        MDC.clear();
    }

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void handlerRunsWithMessageIdAndCorrelationIdInTheMdc() {
        var event = standardBatch();
        var seen = new ArrayList<List<String>>();

        Batch.process(event, context, message -> seen.add(
                Arrays.asList(MDC.get("sqs_message_id"), MDC.get("correlation_id"))));

        var ids = messageIds(event);
        assertThat(seen).containsExactly(
                List.of(ids.get(0), "post-p-1001"),
                Arrays.asList(ids.get(1), null),   // no correlationId attribute: nothing leaks from the record before
                List.of(ids.get(2), "post-p-1001"),
                List.of(ids.get(3), "post-p-0998"));
    }

    @Test
    void mdcIsPutBackAsItWasAfterEachRecordEvenWhenItFails() {
        MDC.put("correlation_id", "invocation-level");
        var event = standardBatch();

        Batch.process(event, context, ScriptedHandler.failing(messageIds(event).get(0)));

        assertThat(MDC.get("sqs_message_id")).isNull();
        assertThat(MDC.get("correlation_id")).isEqualTo("invocation-level");
    }

    @Test
    void failedRecordIsLoggedAtErrorWithItsExceptionUnderItsMessageId() {
        var error = new IllegalStateException("spam model unavailable");
        var event = eventOf(message("ok"), message("broken"));

        Batch.process(event, context, message -> {
            if (message.getMessageId().equals("broken")) {
                throw error;
            }
        });

        assertThat(LogCapture.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.ERROR);
            assertThat(line.message()).contains("broken");
            assertThat(line.errorType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(line.errorMessage()).isEqualTo("spam model unavailable");
            assertThat(line.fields()).containsEntry("sqs_message_id", "broken");
        });
    }

    @Test
    void failureLogsNeverContainTheMessageBody() {
        var secret = message("with-secret");
        secret.setBody("{\"token\":\"ghp_s3cr3tT0k3nThatMustNotBeLogged\"}");

        Batch.process(eventOf(secret), context, ScriptedHandler.failing("with-secret"));

        assertThat(LogCapture.lines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line.message()).doesNotContain("ghp_s3cr3t"));
    }
}
