package dev.offstage.shared.batch;

import dev.offstage.testing.TestContext;
import static dev.offstage.shared.batch.TestEvents.eventOf;
import static dev.offstage.shared.batch.TestEvents.failedIds;
import static dev.offstage.shared.batch.TestEvents.message;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static dev.offstage.shared.batch.TestEvents.standardBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private final TestContext context = TestContext.forFunction("offstage-test");

    @Test
    void failedRecordIsReportedAndOthersSucceed() {
        var event = standardBatch();
        var ids = messageIds(event);
        var handler = ScriptedHandler.failing(ids.get(1));

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly(ids.get(1));
        assertThat(handler.handled()).containsExactlyElementsOf(ids);
    }

    @Test
    void batchWhereEverythingSucceedsReportsNoFailures() {
        var response = Batch.process(standardBatch(), context, message -> {});

        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @Test
    void checkedExceptionsRuntimeExceptionsAndStackOverflowsFailOnlyTheirOwnRecord() {
        var event = eventOf(message("checked"), message("fine-1"), message("unchecked"), message("overflow"),
                message("fine-2"));
        var handler = new ScriptedHandler()
                .fail("checked", () -> new IOException("disk full"))
                .fail("unchecked", () -> new IllegalArgumentException("bad post"))
                .fail("overflow", StackOverflowError::new);

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly("checked", "unchecked", "overflow");
        assertThat(handler.handled()).containsExactly("checked", "fine-1", "unchecked", "overflow", "fine-2");
    }

    @Test
    void whollyBadBatchReportsEveryMessageId() {
        var event = standardBatch();
        var handler = ScriptedHandler.failing(messageIds(event).toArray(String[]::new));

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactlyElementsOf(messageIds(event));
    }

    @Test
    void nullEventOrEventWithoutRecordsReportsNoFailures() {
        var withoutRecords = new SQSEvent();
        var withEmptyRecords = eventOf();
        var handler = new ScriptedHandler();

        for (var event : new SQSEvent[] {null, withoutRecords, withEmptyRecords}) {
            assertThat(Batch.process(event, context, handler).getBatchItemFailures()).isEmpty();
        }
        assertThat(handler.handled()).isEmpty();
    }

    @Test
    void recordWithoutMessageIdFailsTheWholeBatchBeforeAnyRecordRuns() {
        var handler = new ScriptedHandler();
        List<SQSEvent> events = new ArrayList<>();
        events.add(eventOf(message("first"), message(null)));
        events.add(eventOf(message("first"), message(" ")));

        for (var event : events) {
            assertThatThrownBy(() -> Batch.process(event, context, handler))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("record 2 of 2 has no messageId");
        }
        assertThat(handler.handled()).isEmpty();
    }

    @Test
    void outOfMemoryErrorFailsTheWholeInvocation() {
        var event = eventOf(message("first"), message("out-of-memory"), message("never-reached"));
        var handler = new ScriptedHandler().fail("out-of-memory", () -> new OutOfMemoryError("Java heap space"));

        assertThatThrownBy(() -> Batch.process(event, context, handler)).isInstanceOf(OutOfMemoryError.class);
        assertThat(handler.handled()).containsExactly("first", "out-of-memory");
    }
}
