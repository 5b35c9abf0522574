package dev.offstage.shared.batch;

import dev.offstage.testing.LogCapture;
import static dev.offstage.shared.batch.TestEvents.failedIds;
import static dev.offstage.shared.batch.TestEvents.fifoBatch;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static dev.offstage.shared.batch.TestEvents.standardBatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.testing.TestClock;
import dev.offstage.testing.TestContext;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class BatchDeadlineTest {

    private static final BatchConfig KEEP_TWO_SECONDS = BatchConfig.defaults().withDeadlineReserve(Duration.ofSeconds(2));

    private final TestClock clock = new TestClock();
    private final TestContext context = TestContext.forFunction("offstage-test").clock(clock, Duration.ofSeconds(30));

    @BeforeEach
    void startRecording() {
        LogCapture.start();
    }

    @Test
    void recordsThatWouldStartInsideTheReserveAreReportedWithoutRunning() {
        var event = standardBatch();
        var ids = messageIds(event);
        var handler = new ScriptedHandler();
        RecordHandler usingUpTheTime = message -> {
            handler.handle(message);
            clock.advance(Duration.ofMillis(28_500));
        };

        var response = Batch.process(event, context, KEEP_TWO_SECONDS, usingUpTheTime);

        assertThat(handler.handled()).containsExactly(ids.get(0));
        assertThat(failedIds(response)).containsExactly(ids.get(1), ids.get(2), ids.get(3));
        assertThat(LogCapture.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.WARN);
            assertThat(line.message()).contains("3 of 4 SQS message(s) not started", "2000 ms");
        });
    }

    @Test
    void parallelModeStartsNothingInsideTheReserve() {
        var event = fifoBatch();
        var handler = new ScriptedHandler();

        var response = Batch.process(event, TestContext.forFunction("offstage-test").clock(clock, Duration.ofMillis(1_999)), KEEP_TWO_SECONDS.parallel(), handler);

        assertThat(handler.handled()).isEmpty();
        assertThat(failedIds(response)).containsExactlyElementsOf(messageIds(event));
    }

    @Test
    void withoutAReserveTheRemainingTimeIsIgnored() {
        var event = standardBatch();
        var handler = new ScriptedHandler();

        var response = Batch.process(event, TestContext.forFunction("offstage-test").clock(clock, Duration.ZERO), handler);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(handler.handled()).containsExactlyElementsOf(messageIds(event));
    }
}
