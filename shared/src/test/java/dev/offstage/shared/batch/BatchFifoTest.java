package dev.offstage.shared.batch;

import dev.offstage.testing.LogCapture;
import dev.offstage.testing.TestContext;
import static dev.offstage.shared.batch.TestEvents.eventOf;
import static dev.offstage.shared.batch.TestEvents.failedIds;
import static dev.offstage.shared.batch.TestEvents.fifoBatch;
import static dev.offstage.shared.batch.TestEvents.groupedMessage;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class BatchFifoTest {

    private static final String FAIR_QUEUE = "arn:aws:sqs:eu-west-1:123456789012:offstage-posts-spam";

    private final TestContext context = TestContext.forFunction("offstage-test");

    @BeforeEach
    void startRecording() {
        LogCapture.start();
    }

    @Test
    void failureStopsItsMessageGroupAndOtherGroupsCarryOn() {
        var event = fifoBatch();
        var ids = messageIds(event);   // main, feature-search, main, feature-search, main
        var handler = ScriptedHandler.failing(ids.get(2));

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly(ids.get(2), ids.get(4));
        assertThat(handler.handled()).containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3));
    }

    @Test
    void stoppedGroupIsLoggedWithWhereItStoppedAndHowManyMessagesWereHeldBack() {
        var event = fifoBatch();
        var ids = messageIds(event);

        Batch.process(event, context, ScriptedHandler.failing(ids.get(0)));

        assertThat(LogCapture.lines()).filteredOn(line -> line.level() == Level.WARN).singleElement()
                .satisfies(line -> assertThat(line.message())
                        .contains("octo-org/hello-world:refs/heads/main", ids.get(0), "2 later message(s)"));
    }

    @Test
    void failureOfTheLastMessageOfAGroupHoldsNothingBack() {
        var event = fifoBatch();
        var ids = messageIds(event);
        var handler = ScriptedHandler.failing(ids.get(3));

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly(ids.get(3));
        assertThat(handler.handled()).containsExactlyElementsOf(ids);
    }

    @Test
    void messageGroupIdWithoutQueueArnMeansFifo() {
        var event = eventOf(groupedMessage("a1", "a", null), groupedMessage("a2", "a", null),
                groupedMessage("b1", "b", null));
        var handler = ScriptedHandler.failing("a1");

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly("a1", "a2");
        assertThat(handler.handled()).containsExactly("a1", "b1");
    }

    @Test
    void fairQueueWithMessageGroupsKeepsNoOrderAndStopsNothing() {
        var event = eventOf(groupedMessage("a1", "a", FAIR_QUEUE), groupedMessage("a2", "a", FAIR_QUEUE));
        var handler = ScriptedHandler.failing("a1");

        var response = Batch.process(event, context, handler);

        assertThat(failedIds(response)).containsExactly("a1");
        assertThat(handler.handled()).containsExactly("a1", "a2");
    }
}
