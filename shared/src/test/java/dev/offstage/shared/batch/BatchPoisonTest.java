package dev.offstage.shared.batch;

import dev.offstage.testing.LogCapture;
import dev.offstage.testing.LogCapture.LogLine;
import dev.offstage.testing.TestContext;
import static dev.offstage.shared.batch.TestEvents.eventOf;
import static dev.offstage.shared.batch.TestEvents.failedIds;
import static dev.offstage.shared.batch.TestEvents.message;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static dev.offstage.shared.batch.TestEvents.standardBatch;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class BatchPoisonTest {

    private final TestContext context = TestContext.forFunction("offstage-test");

    @BeforeEach
    void startRecording() {
        LogCapture.start();
    }

    @Test
    void failureAtThePoisonReceiveCountIsLoggedAsPoisonAndStillReportedFailed() {
        var poison = receivedTimes(message("poison"), 5);

        var response = Batch.process(eventOf(poison), context, message -> {
            throw new IllegalStateException("post p-1001 has no author");
        });

        assertThat(failedIds(response)).containsExactly("poison");
        assertThat(warnings()).singleElement().satisfies(line -> {
            assertThat(line.message()).contains("poison", "failed on receive 5",
                    "IllegalStateException: post p-1001 has no author", "dead-letter queue");
            assertThat(line.fields()).containsEntry("sqs_message_id", "poison");
        });
    }

    @Test
    void failureBeforeThePoisonReceiveCountIsAnOrdinaryFailure() {
        var response = Batch.process(eventOf(receivedTimes(message("retry"), 4)), context,
                ScriptedHandler.failing("retry"));

        assertThat(failedIds(response)).containsExactly("retry");
        assertThat(warnings()).isEmpty();
        assertThat(LogCapture.lines()).singleElement()
                .satisfies(line -> assertThat(line.level()).isEqualTo(Level.ERROR));
    }

    @Test
    void messageThatSucceedsLateIsNotPoison() {
        var response = Batch.process(eventOf(receivedTimes(message("late"), 9)), context, message -> {});

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(LogCapture.lines()).isEmpty();
    }

    @Test
    void poisonReceiveCountIsConfigurable() {
        var event = standardBatch();   // the third message is on its second receive
        var ids = messageIds(event);

        Batch.process(event, context, BatchConfig.defaults().withPoisonReceiveCount(2),
                ScriptedHandler.failing(ids.get(0), ids.get(2)));

        assertThat(warnings()).singleElement()
                .satisfies(line -> assertThat(line.message()).contains(ids.get(2), "failed on receive 2"));
    }

    @Test
    void missingOrMalformedReceiveCountIsNeverPoison() {
        var missing = message("missing");
        var malformed = message("malformed");
        malformed.getAttributes().put("ApproximateReceiveCount", "many");

        var response = Batch.process(eventOf(missing, malformed), context, BatchConfig.defaults().withPoisonReceiveCount(1),
                ScriptedHandler.failing("missing", "malformed"));

        assertThat(failedIds(response)).containsExactly("missing", "malformed");
        assertThat(warnings()).isEmpty();
    }

    private static SQSMessage receivedTimes(SQSMessage message, int receiveCount) {
        message.getAttributes().put("ApproximateReceiveCount", String.valueOf(receiveCount));
        return message;
    }

    private static List<LogLine> warnings() {
        return LogCapture.lines().stream().filter(line -> line.level() == Level.WARN).toList();
    }
}
