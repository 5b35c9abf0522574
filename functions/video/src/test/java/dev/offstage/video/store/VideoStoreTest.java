package dev.offstage.video.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestClock;
import dev.offstage.video.media.MediaInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every transition of a video's item against dynalite: claims, duplicates, fan-in races, leases, final states. */
@ExtendWith(EmulatorsExtension.class)
class VideoStoreTest {

    private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");
    private static final Upload UPLOAD = new Upload("offstage-video-uploads", "uploads/Holiday Clip (1).mp4", Optional.empty(),
            "0055AED6DCD90281E5", 48_213_377L, "d41d8cd98f00b204e9800998ecf8427e");
    private static final Upload VERSIONED = new Upload("offstage-video-uploads", "uploads/été/clip.mov",
            Optional.of("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"), "0055AED6DCD90281E6", 7L, "\"9b2cf535f27731c974343645a3985328\"");
    private static final MediaInfo MEDIA = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 187.433333, 48_213_377L, 2_057_812L,
            // HDV: 1440 coded, 1920 shown; its video starts 0.541333 s after its audio, as in an MPEG-TS.
            Optional.of(new MediaInfo.Video("h264", 1440, 1080, 90, 30000.0 / 1001, "yuv420p", 4.0 / 3, 1.941333)),
            Optional.of(new MediaInfo.Audio("aac", 2, 48_000, 128_004L, 1.4)), 3);
    private static final List<StoredRendition> RENDITIONS = List.of(
            new StoredRendition("1080p", "videos/x/1080p.mp4", 1080, 1920, 187.4, 120_000_123L, "h264", "aac"),
            new StoredRendition("720p", "videos/x/720p.mp4", 720, 1280, 187.433333, 60_000_000L, "h264", null));

    private final AwsClients aws;
    private final TestClock clock = new TestClock(START);
    private final VideoStore store;
    /** The same table through a client whose answers to UpdateItem can be lost after the write landed. */
    private final LostAnswers lostUpdates = new LostAnswers("UpdateItem");
    private final LostAnswers lostPuts = new LostAnswers("PutItem");
    private final DynamoDbClient losing;
    private final VideoStore losingStore;

    VideoStoreTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        var table = EmulatorsExtension.uniqueName("videos");
        VideoStore.createTable(aws.dynamoDb(), table);
        this.store = new VideoStore(aws.dynamoDb(), table, clock);
        this.losing = aws.configure(DynamoDbClient.builder(), "DYNAMODB")
                .overrideConfiguration(override -> override.addExecutionInterceptor(lostUpdates).addExecutionInterceptor(lostPuts)).build();
        this.losingStore = new VideoStore(losing, table, clock);
    }

    @AfterEach
    void close() {
        losing.close();
        aws.close();
    }

    private String started(Upload upload) {
        assertThat(store.claim(upload, "request-1", "corr-1")).isInstanceOf(Claim.Started.class);
        return upload.videoId();
    }

    private String split(int segments) {
        var id = started(UPLOAD);
        store.planSegments(id, segments);
        return id;
    }

    // ---- claim ---------------------------------------------------------------------------------

    @Test
    void firstEventStartsTheVideoWithEveryFieldStored() {
        var claim = store.claim(UPLOAD, "request-1", "corr-1");

        assertThat(claim).isInstanceOf(Claim.Started.class);
        var expected = new VideoRecord(UPLOAD.videoId(), VideoStatus.PROCESSING, UPLOAD, Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), 1, START, START, 0, Set.of(), false, Optional.of("corr-1"));
        assertThat(claim.record()).isEqualTo(expected);
        assertThat(store.get(UPLOAD.videoId())).contains(expected);
    }

    @Test
    void versionedUploadAndItsKeyRoundTrip() {
        store.claim(VERSIONED, "request-1", null);

        var record = store.get(VERSIONED.videoId()).orElseThrow();
        assertThat(record.upload()).isEqualTo(VERSIONED);
        assertThat(record.correlationId()).isEmpty();
    }

    @Test
    void lambdaRetryOfTheSameEventCountsAnAttempt() {
        store.claim(UPLOAD, "request-1", "corr-1");
        clock.advance(Duration.ofMinutes(1));

        var retry = store.claim(UPLOAD, "request-1", "corr-1");
        var again = store.claim(UPLOAD, "request-1", "corr-1");

        assertThat(retry).isInstanceOf(Claim.Started.class);
        assertThat(retry.record().attempts()).isEqualTo(2);
        assertThat(retry.record().updated()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        assertThat(retry.record().created()).isEqualTo(START);
        assertThat(again.record().attempts()).isEqualTo(3);
    }

    @Test
    void firstEventWhoseAnswerWasLostStartsTheVideoAtAttemptOne() {
        lostPuts.loseNext(1);

        var claim = losingStore.claim(UPLOAD, "request-1", "corr-1");

        assertThat(claim).as("the SDK's retry of the landed put is the same claim").isInstanceOf(Claim.Started.class);
        assertThat(claim.record().attempts()).isEqualTo(1);
        assertThat(store.get(UPLOAD.videoId()).orElseThrow().attempts()).isEqualTo(1);
        assertThat(store.claim(UPLOAD, "request-2", null)).as("another event is still a duplicate").isInstanceOf(Claim.Duplicate.class);
    }

    @Test
    void duplicateEventWithAnotherRequestIdChangesNothing() {
        store.claim(UPLOAD, "request-1", "corr-1");
        var before = store.get(UPLOAD.videoId()).orElseThrow();
        clock.advance(Duration.ofMinutes(1));

        var duplicate = store.claim(UPLOAD, "request-2", "corr-2");

        assertThat(duplicate).isInstanceOf(Claim.Duplicate.class);
        assertThat(duplicate.record()).isEqualTo(before);
        assertThat(store.get(UPLOAD.videoId())).contains(before);
    }

    @Test
    void retryOfTheSameEventAfterTheVideoEndedIsADuplicate() {
        var id = started(UPLOAD);
        store.finishFailed(id, "not a video: ffprobe found no video stream");

        var retry = store.claim(UPLOAD, "request-1", "corr-1");

        assertThat(retry).isInstanceOf(Claim.Duplicate.class);
        assertThat(retry.record().attempts()).isEqualTo(1);
        assertThat(retry.record().status()).isEqualTo(VideoStatus.FAILED);
    }

    @Test
    void newWriteOfTheSameKeyIsANewVideo() {
        var rewritten = new Upload(UPLOAD.bucket(), UPLOAD.key(), Optional.empty(), "0055AED6DCD90281F0", 10, "e");
        started(UPLOAD);

        assertThat(store.claim(rewritten, "request-2", null)).isInstanceOf(Claim.Started.class);
        assertThat(rewritten.videoId()).isNotEqualTo(UPLOAD.videoId());
    }

    @Test
    void simultaneousDuplicateEventsStartTheVideoOnce() throws Exception {
        var claims = race(8, thread -> store.claim(UPLOAD, "request-" + thread, null));

        assertThat(claims).filteredOn(Claim.Started.class::isInstance).hasSize(1);
        assertThat(store.get(UPLOAD.videoId()).orElseThrow().attempts()).isEqualTo(1);
    }

    // ---- metadata and segments -----------------------------------------------------------------

    @Test
    void metadataRoundTripsExactly() {
        var id = started(UPLOAD);

        store.recordMetadata(id, MEDIA);

        assertThat(store.get(id).orElseThrow().metadata()).contains(MEDIA);
    }

    @Test
    void metadataWithoutAudioOrVideoAndUnknownValuesRoundTrips() {
        var silent = new MediaInfo("matroska,webm", 0.04, -1, 0,
                Optional.of(new MediaInfo.Video("vp9", 2, 2, 0, 0, null)), Optional.empty(), 1);
        var audioOnly = new MediaInfo("mp3", 1e-7, 12, 1, Optional.empty(), Optional.of(new MediaInfo.Audio("mp3", 1, 44_100, 0)), 1);
        var id = started(UPLOAD);

        store.recordMetadata(id, silent);
        assertThat(store.get(id).orElseThrow().metadata()).contains(silent);
        store.recordMetadata(id, audioOnly);
        assertThat(store.get(id).orElseThrow().metadata()).contains(audioOnly);
    }

    @Test
    void metadataOfAFinishedVideoIsNotRecorded() {
        var id = started(UPLOAD);
        store.finishFailed(id, "too long");

        store.recordMetadata(id, MEDIA);
        store.recordMetadata("unknown-video", MEDIA);

        assertThat(store.get(id).orElseThrow().metadata()).isEmpty();
        assertThat(store.get("unknown-video")).isEmpty();
    }

    @Test
    void planningTheSameCountAgainIsFineAnotherCountIsNot() {
        var id = started(UPLOAD);

        store.planSegments(id, 3);
        store.planSegments(id, 3);

        assertThat(store.get(id).orElseThrow().segmentCount()).isEqualTo(3);
        assertThatThrownBy(() -> store.planSegments(id, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 segments");
        assertThatThrownBy(() -> store.planSegments(id, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void finishedVideoIsNotPlanned() {
        var id = started(UPLOAD);
        store.finishFailed(id, "corrupt");

        store.planSegments(id, 3);

        assertThat(store.get(id).orElseThrow().segmentCount()).isZero();
    }

    @Test
    void segmentsAddUpToCompletionOnce() {
        var id = split(3);

        var first = store.segmentDone(id, 2);
        var repeated = store.segmentDone(id, 2);
        store.segmentDone(id, 0);
        var last = store.segmentDone(id, 1);
        var late = store.segmentDone(id, 1);

        assertThat(first).isEqualTo(new SegmentProgress(true, 1, 3, VideoStatus.PROCESSING));
        assertThat(repeated).isEqualTo(new SegmentProgress(false, 1, 3, VideoStatus.PROCESSING));
        assertThat(last).isEqualTo(new SegmentProgress(true, 3, 3, VideoStatus.PROCESSING));
        assertThat(last.complete()).isTrue();
        assertThat(late).isEqualTo(new SegmentProgress(false, 3, 3, VideoStatus.PROCESSING));
        assertThat(store.get(id).orElseThrow().segmentsDone()).containsExactly(0, 1, 2);
    }

    @Test
    void segmentWhoseAnswerWasLostStillReportsTheCompletionItMade() {
        var id = split(2);
        store.segmentDone(id, 0);

        lostUpdates.loseNext(1);
        var last = losingStore.segmentDone(id, 1);

        assertThat(last).as("the SDK's retry of the landed write is the same write").isEqualTo(new SegmentProgress(true, 2, 2,
                VideoStatus.PROCESSING));
        assertThat(store.segmentDone(id, 1)).isEqualTo(new SegmentProgress(false, 2, 2, VideoStatus.PROCESSING));
    }

    @Test
    void segmentOutsideThePlanOrOfAnUnknownVideoCanNeverSucceed() {
        var id = split(3);
        var unplanned = started(VERSIONED);

        assertThatThrownBy(() -> store.segmentDone(id, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no segment 3");
        assertThatThrownBy(() -> store.segmentDone(id, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.segmentDone(unplanned, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.segmentDone("unknown-video", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no video unknown-video");
    }

    @Test
    void segmentsOfAFailedVideoStop() {
        var id = split(2);
        store.segmentDone(id, 0);
        store.finishFailed(id, "segment 1 could not be transcoded");

        var progress = store.segmentDone(id, 1);

        assertThat(progress).isEqualTo(new SegmentProgress(false, 1, 2, VideoStatus.FAILED));
        assertThat(store.get(id).orElseThrow().segmentsDone()).containsExactly(0);
    }

    @Test
    void racingWorkersWithRepeatedIndexesSeeCompletionExactlyOnce() throws Exception {
        var segments = 24;
        var id = split(segments);

        // Every thread reports every segment, in its own order: each index arrives 8 times at once.
        var results = race(8, thread -> {
            var order = new ArrayList<>(IntStream.range(0, segments).boxed().toList());
            Collections.shuffle(order, new java.util.Random(thread));
            var progress = new ArrayList<SegmentProgress>();
            for (var index : order) {
                progress.add(store.segmentDone(id, index));
            }
            return progress;
        }).stream().flatMap(List::stream).toList();

        assertThat(results).hasSize(8 * segments);
        assertThat(results).filteredOn(SegmentProgress::newlyDone).hasSize(segments);
        assertThat(results).filteredOn(progress -> progress.newlyDone() && progress.complete()).hasSize(1);
        assertThat(results).allSatisfy(progress -> assertThat(progress.done()).isBetween(1, segments));
        assertThat(store.get(id).orElseThrow().segmentsDone()).hasSize(segments);
    }

    // ---- assembly lease ------------------------------------------------------------------------

    @Test
    void assemblyWaitsForEverySegment() {
        var id = split(2);
        assertThat(store.claimAssembly(id, "assembler-1", Duration.ofMinutes(15))).isFalse();
        store.segmentDone(id, 0);
        assertThat(store.claimAssembly(id, "assembler-1", Duration.ofMinutes(15))).isFalse();

        store.segmentDone(id, 1);

        assertThat(store.claimAssembly(id, "assembler-1", Duration.ofMinutes(15))).isTrue();
    }

    @Test
    void unsplitOrUnknownVideoIsNeverAssembled() {
        var id = started(UPLOAD);

        assertThat(store.claimAssembly(id, "assembler-1", Duration.ofMinutes(15))).isFalse();
        assertThat(store.claimAssembly("unknown-video", "assembler-1", Duration.ofMinutes(15))).isFalse();
    }

    @Test
    void leaseKeepsOthersOutUntilItExpiresAndItsHolderMayRetakeIt() {
        var id = split(1);
        store.segmentDone(id, 0);
        var lease = Duration.ofMinutes(15);

        assertThat(store.claimAssembly(id, "assembler-1", lease)).isTrue();
        assertThat(store.claimAssembly(id, "assembler-2", lease)).isFalse();
        clock.advance(Duration.ofMinutes(10));
        assertThat(store.claimAssembly(id, "assembler-1", lease)).as("the holder again, renewing").isTrue();
        clock.advance(Duration.ofMinutes(14));
        assertThat(store.claimAssembly(id, "assembler-2", lease)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.claimAssembly(id, "assembler-2", lease)).as("expired: taken over").isTrue();
        assertThat(store.claimAssembly(id, "assembler-1", lease)).isFalse();
    }

    @Test
    void racingAssemblersTakeTheLeaseOnce() throws Exception {
        var id = split(1);
        store.segmentDone(id, 0);

        var taken = race(8, thread -> store.claimAssembly(id, "assembler-" + thread, Duration.ofMinutes(15)));

        assertThat(taken).filteredOn(Boolean::booleanValue).hasSize(1);
    }

    @Test
    void finishedVideoIsNotAssembled() {
        var id = split(1);
        store.segmentDone(id, 0);
        store.finishReady(id, RENDITIONS, "videos/x/poster.jpg");

        assertThat(store.claimAssembly(id, "assembler-1", Duration.ofMinutes(15))).isFalse();
    }

    // ---- final states --------------------------------------------------------------------------

    @Test
    void readyVideoKeepsItsRenditionsAndPoster() {
        var id = started(UPLOAD);
        store.recordMetadata(id, MEDIA);
        clock.advance(Duration.ofSeconds(95));

        assertThat(store.finishReady(id, RENDITIONS, "videos/x/poster.jpg")).isTrue();

        var record = store.get(id).orElseThrow();
        assertThat(record.status()).isEqualTo(VideoStatus.READY);
        assertThat(record.renditions()).isEqualTo(RENDITIONS);
        assertThat(record.posterKey()).contains("videos/x/poster.jpg");
        assertThat(record.reason()).isEmpty();
        assertThat(record.metadata()).contains(MEDIA);
        assertThat(record.updated()).isEqualTo(START.plusSeconds(95));
        assertThat(record.created()).isEqualTo(START);
    }

    @Test
    void failedVideoKeepsItsReason() {
        var id = started(UPLOAD);

        assertThat(store.finishFailed(id, "too long: 3h 2m, at most 2h")).isTrue();

        var record = store.get(id).orElseThrow();
        assertThat(record.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(record.reason()).contains("too long: 3h 2m, at most 2h");
        assertThat(record.renditions()).isEmpty();
        assertThatThrownBy(() -> store.finishFailed(id, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endingWhoseAnswerWasLostStillReportsThatItEndedTheVideo() {
        var ready = started(UPLOAD);
        var failed = started(VERSIONED);

        lostUpdates.loseNext(1);
        assertThat(losingStore.finishReady(ready, RENDITIONS, "videos/x/poster.jpg"))
                .as("the SDK's retry of the landed write is the same write: it ended the video").isTrue();
        lostUpdates.loseNext(1);
        assertThat(losingStore.finishFailed(failed, "not a video")).isTrue();

        assertThat(store.finishReady(ready, RENDITIONS, "videos/x/poster.jpg")).as("another call still loses").isFalse();
        assertThat(store.finishFailed(failed, "not a video")).isFalse();
        assertThat(store.get(ready).orElseThrow().status()).isEqualTo(VideoStatus.READY);
        assertThat(store.get(failed).orElseThrow().reason()).contains("not a video");
    }

    @Test
    void aVideoEndsOnceWhateverComesLater() {
        var id = started(UPLOAD);
        store.finishReady(id, RENDITIONS, "videos/x/poster.jpg");

        assertThat(store.finishReady(id, List.of(), "other.jpg")).isFalse();
        assertThat(store.finishFailed(id, "late failure")).isFalse();

        var record = store.get(id).orElseThrow();
        assertThat(record.status()).isEqualTo(VideoStatus.READY);
        assertThat(record.renditions()).isEqualTo(RENDITIONS);
        assertThat(record.reason()).isEmpty();
        assertThat(store.finishReady("unknown-video", RENDITIONS, "p.jpg")).isFalse();
        assertThat(store.finishFailed("unknown-video", "x")).isFalse();
    }

    @Test
    void racingFinishesEndTheVideoInExactlyOneState() throws Exception {
        var id = started(UPLOAD);

        var wins = race(8, thread -> thread % 2 == 0
                ? store.finishReady(id, RENDITIONS, "poster-" + thread + ".jpg")
                : store.finishFailed(id, "failure " + thread));

        assertThat(wins).filteredOn(Boolean::booleanValue).hasSize(1);
        var winner = wins.indexOf(true);
        var record = store.get(id).orElseThrow();
        if (winner % 2 == 0) {
            assertThat(record.status()).isEqualTo(VideoStatus.READY);
            assertThat(record.posterKey()).contains("poster-" + winner + ".jpg");
            assertThat(record.reason()).isEmpty();
        } else {
            assertThat(record.status()).isEqualTo(VideoStatus.FAILED);
            assertThat(record.reason()).contains("failure " + winner);
            assertThat(record.posterKey()).isEmpty();
        }
    }

    @Test
    void noticeIsMarkedSentOnlyForAFinishedVideo() {
        var id = started(UPLOAD);
        assertThatThrownBy(() -> store.markNotified(id)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.markNotified("unknown-video")).isInstanceOf(IllegalStateException.class);
        store.finishFailed(id, "corrupt");

        store.markNotified(id);
        store.markNotified(id);

        assertThat(store.get(id).orElseThrow().notified()).isTrue();
    }

    @Test
    void unknownVideoIsEmpty() {
        assertThat(store.get("never-uploaded-000000000000")).isEmpty();
    }

    /** Runs {@code work} on {@code threads} threads released at once; the results in thread order. */
    private static <T> List<T> race(int threads, ThreadWork<T> work) throws Exception {
        var start = new CountDownLatch(1);
        try (var executor = Executors.newFixedThreadPool(threads)) {
            var futures = new ArrayList<java.util.concurrent.Future<T>>();
            for (int i = 0; i < threads; i++) {
                var thread = i;
                futures.add(executor.submit((Callable<T>) () -> {
                    start.await();
                    return work.run(thread);
                }));
            }
            start.countDown();
            var results = new ArrayList<T>();
            for (var future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    @FunctionalInterface
    private interface ThreadWork<T> {
        T run(int thread) throws Exception;
    }
}
