package dev.offstage.ops;

import static dev.offstage.ops.OpsFixture.PLAIN_QUEUE;
import static dev.offstage.ops.OpsFixture.WORK_DLQ;
import static dev.offstage.ops.OpsFixture.WORK_QUEUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(EmulatorsExtension.class)
class OpsConsoleTest {

    private final OpsFixture fixture;
    private final OpsConsole console;

    OpsConsoleTest(Emulators emulators) {
        fixture = new OpsFixture(emulators);
        console = fixture.console();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void queuesAreSortedCountedAndLinkedToTheirDeadLetterQueues() {
        fixture.send(WORK_QUEUE, "one");
        fixture.send(WORK_QUEUE, "two");
        fixture.send(PLAIN_QUEUE, "three");
        fixture.ages.put(WORK_QUEUE, 192L);

        var queues = console.queues();

        assertThat(queues).extracting(QueueStatus::logicalId).containsExactly(PLAIN_QUEUE, WORK_DLQ, WORK_QUEUE);
        assertThat(queues.get(2)).satisfies(work -> {
            assertThat(work.visible()).isEqualTo(2);
            assertThat(work.inFlight()).isZero();
            assertThat(work.oldestAgeSeconds()).isEqualTo(192L);
            assertThat(work.deadLetterQueue()).isEqualTo(WORK_DLQ);
            assertThat(work.isDeadLetterQueue()).isFalse();
        });
        assertThat(queues.get(1)).satisfies(dlq -> {
            assertThat(dlq.sources()).containsExactly(WORK_QUEUE);
            assertThat(dlq.isDeadLetterQueue()).isTrue();
            assertThat(dlq.oldestAgeSeconds()).isNull();
        });
        assertThat(queues.get(0).deadLetterQueue()).isNull();
        assertThat(queues.get(0).oldestAgeSeconds()).isNull();
    }

    @Test
    void listingQueuesReceivesNoMessage() {
        fixture.send(WORK_DLQ, "dead");

        var dlq = console.queues().stream().filter(QueueStatus::isDeadLetterQueue).findFirst().orElseThrow();

        assertThat(dlq.oldestAgeSeconds()).as("no QueueAges answer and no peek").isNull();
        assertThat(dlq.visible()).isEqualTo(1);
        var received = fixture.aws.sqs().receiveMessage(receive -> receive.queueUrl(fixture.url(WORK_DLQ))
                .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")).messages();
        assertThat(received).singleElement().satisfies(message ->
                assertThat(message.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1"));
    }

    @Test
    void aDeadLetterQueueThatRedrivesFurtherIsNeverPeeked() {
        var sqs = fixture.aws.sqs();
        var plainArn = sqs.getQueueAttributes(get -> get.queueUrl(fixture.url(PLAIN_QUEUE))
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(set -> set.queueUrl(fixture.url(WORK_DLQ)).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + plainArn + "\",\"maxReceiveCount\":\"2\"}")));
        fixture.send(WORK_DLQ, "consumed elsewhere");

        var dlq = console.queues().stream().filter(queue -> queue.logicalId().equals(WORK_DLQ)).findFirst().orElseThrow();

        assertThat(dlq.deadLetterQueue()).isEqualTo(PLAIN_QUEUE);
        assertThatThrownBy(() -> console.deadLetters(WORK_DLQ, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(WORK_DLQ + " redrives to " + PLAIN_QUEUE).hasMessageContaining("read " + PLAIN_QUEUE);
        var received = sqs.receiveMessage(receive -> receive.queueUrl(fixture.url(WORK_DLQ))
                .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")).messages();
        assertThat(received).singleElement().satisfies(message ->
                assertThat(message.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1"));
    }

    @Test
    void deadLettersAreReadOldestFirstWithoutConsumingThem() {
        var first = fixture.send(WORK_DLQ, "first");
        var second = fixture.send(WORK_DLQ, "second");
        var third = fixture.send(WORK_DLQ, "third");

        var letters = console.deadLetters(WORK_DLQ, 10);

        assertThat(letters).extracting(DeadLetter::messageId).containsExactlyInAnyOrder(first, second, third);
        assertThat(letters).extracting(DeadLetter::sentAt).isSorted().doesNotContainNull();
        assertThat(letters).extracting(DeadLetter::receiveCount).containsOnly(0);
        assertThat(visible(WORK_DLQ)).isEqualTo(3);
        assertThat(console.deadLetters(WORK_DLQ, 10)).extracting(DeadLetter::messageId)
                .containsExactlyInAnyOrder(first, second, third);
    }

    @Test
    void deadLettersStopAtTheMaximum() {
        for (int i = 0; i < 12; i++) {
            fixture.send(WORK_DLQ, "letter " + i);
        }

        assertThat(console.deadLetters(WORK_DLQ, 11)).hasSize(11);
        assertThat(visible(WORK_DLQ)).isEqualTo(12);
    }

    @Test
    void onFailureDestinationRecordsCarryTheirOwnReason() {
        fixture.send(WORK_DLQ, """
                {"version":"1.0","timestamp":"2026-11-27T10:00:00.000Z",
                 "requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:f",
                   "condition":"RetriesExhausted","approximateInvokeCount":3},
                 "requestPayload":{"Records":[]},
                 "responsePayload":{"errorMessage":"ffprobe found no video stream","errorType":"UnsupportedMediaException"}}
                """);

        assertThat(console.deadLetters(WORK_DLQ, 10)).singleElement().extracting(DeadLetter::failureReason)
                .isEqualTo("RetriesExhausted: UnsupportedMediaException: ffprobe found no video stream");
    }

    @Test
    void otherDeadLettersTakeTheirReasonFromTheLogs() {
        var explained = fixture.send(WORK_DLQ, "{\"postId\":\"p-1\"}");
        var unexplained = fixture.send(WORK_DLQ, "plain text");
        fixture.reasons.put(explained, "java.lang.IllegalStateException: post p-1 has no author");

        var letters = console.deadLetters(WORK_DLQ, 10);

        assertThat(letters).filteredOn(letter -> letter.messageId().equals(explained)).singleElement()
                .extracting(DeadLetter::failureReason).isEqualTo("java.lang.IllegalStateException: post p-1 has no author");
        assertThat(letters).filteredOn(letter -> letter.messageId().equals(unexplained)).singleElement()
                .extracting(DeadLetter::failureReason).isNull();
    }

    @Test
    void deadLettersStillShowWhenTheLogsCannotBeRead() {
        var id = fixture.send(WORK_DLQ, "body");
        fixture.logsDown = true;

        assertThat(console.deadLetters(WORK_DLQ, 10)).singleElement().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo(id);
            assertThat(letter.failureReason()).isNull();
        });
    }

    @Test
    void longBodiesAreCut() {
        fixture.send(WORK_DLQ, "x".repeat(2000));

        assertThat(console.deadLetters(WORK_DLQ, 1).getFirst().body()).hasSize(OpsConsole.BODY_CHARACTERS + 1).endsWith("…");
    }

    @Test
    void unknownQueueNamesTheQueues() {
        assertThatThrownBy(() -> console.deadLetters("NoSuchQueue", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown queue 'NoSuchQueue'")
                .hasMessageContaining(PLAIN_QUEUE + ", " + WORK_DLQ + ", " + WORK_QUEUE);
    }

    @Test
    void aQueueNoOneRedrivesIntoIsNoDeadLetterQueue() {
        assertThatThrownBy(() -> console.redrive(WORK_QUEUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WorkQueue is not a dead-letter queue")
                .hasMessageContaining("the dead-letter queues are: " + WORK_DLQ);
    }

    @Test
    void redriveMovesDeadLettersBackToTheirSourceQueue() throws InterruptedException {
        var first = fixture.send(WORK_DLQ, "first");
        var second = fixture.send(WORK_DLQ, "second");

        var task = console.redrive(WORK_DLQ);

        assertThat(task.deadLetterQueue()).isEqualTo(WORK_DLQ);
        assertThat(task.destination()).isEqualTo(WORK_QUEUE);
        assertThat(task.taskHandle()).isNotBlank();
        assertThat(task.messages()).isEqualTo(2);
        var moved = new java.util.HashSet<String>();
        while (moved.size() < 2) {
            fixture.aws.sqs().receiveMessage(receive -> receive.queueUrl(fixture.url(WORK_QUEUE)).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages().forEach(message -> moved.add(message.messageId()));
        }
        assertThat(moved).containsExactlyInAnyOrder(first, second);
        assertThat(visible(WORK_DLQ)).isZero();
        assertThat(console.redriveTasks(WORK_DLQ)).isNotEmpty().first().satisfies(progress -> {
            assertThat(progress.started()).isNotNull();
        });
    }

    @Test
    void recentBuildsAreNewestFirstAndLeaveOutBranchHeads() {
        var now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        fixture.putBuild("b-old", "octo/app", "SUCCESS", now.minusSeconds(3600));
        fixture.putBuild("b-new", "octo/app", "FAILURE", now.minusSeconds(60));
        fixture.putBuild("b-mid", "octo/lib", "RUNNING", now.minusSeconds(600));
        fixture.putBuildHead("octo/app#main", "b-new", now);

        var builds = console.recentBuilds(2);

        assertThat(builds).extracting(BuildSummary::id).containsExactly("b-new", "b-mid");
        assertThat(builds.getFirst()).satisfies(build -> {
            assertThat(build.repository()).isEqualTo("octo/app");
            assertThat(build.status()).isEqualTo("FAILURE");
            assertThat(build.ref()).isEqualTo("refs/heads/main");
            assertThat(build.created()).isEqualTo(now.minusSeconds(60));
            assertThat(build.updated()).isEqualTo(now.minusSeconds(18));
        });
    }

    @Test
    void recentVideosAreNewestFirstWithRenditionsAndReasons() {
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        fixture.putVideo("v-ready", "READY", now.minusSeconds(300), List.of("360p", "720p"), null);
        fixture.putVideo("v-failed", "FAILED", now.minusSeconds(30), List.of(), "no video stream");

        var videos = console.recentVideos(10);

        assertThat(videos).extracting(VideoSummary::id).containsExactly("v-failed", "v-ready");
        assertThat(videos.get(0).reason()).isEqualTo("no video stream");
        assertThat(videos.get(0).key()).isEqualTo("uploads/v-failed.mp4");
        assertThat(videos.get(1).renditions()).containsExactly("360p", "720p");
        assertThat(videos.get(1).created()).isEqualTo(now.minusSeconds(300));
    }

    private long visible(String queue) {
        return Long.parseLong(fixture.aws.sqs().getQueueAttributes(get -> get.queueUrl(fixture.url(queue))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }
}
