package dev.offstage.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.e2e.VideoPipelineClient;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.local.triggers.AsyncInvoker;
import dev.offstage.testing.Emulators;
import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import dev.offstage.video.notify.VideoNotice;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 9's video scenario: uploads — one long enough to be split into segments, one object
 * uploaded twice, one that is not a video — while the runtime duplicates S3 events and queue
 * messages, reorders and holds them back, kills the video functions mid-transcode or cuts their
 * deadlines, and the SDK throttles, fails and fails-after-writing their DynamoDB, S3 and SQS calls;
 * a duplicate S3 event is also sent by hand while the first upload is being transcoded.
 *
 * <p>The end state, read as an application reads it: every write to the uploads bucket is one
 * video, READY or FAILED, ended once (one {@code VideosReady}/{@code VideosFailed} count, every
 * notice saying the same); a READY video's renditions and poster are all there and ffprobe plays
 * them at the source's length; nothing is left under {@code work/} and nothing under
 * {@code videos/} that no READY video names. Writes {@code target/chaos/video.md}.
 *
 * <p>{@code -Doffstage.chaos.scale=full} runs eleven uploads instead of five;
 * {@code -Doffstage.chaos.seed=N} another seed.
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class VideoChaosTest {

    private static final String SCENARIO = "video";
    private static final Set<String> VIDEO_FUNCTIONS = Set.of("VideoTranscoderFunction", "VideoSegmentFunction",
            "VideoAssemblerFunction", "VideoFailureRecorderFunction");
    /** The queues whose messages are the pipeline's work in flight. */
    private static final List<String> WORK_QUEUES = List.of("VideoSegmentsQueue", "VideoAssemblyQueue", "VideoFailuresQueue");
    /** Not a timing assertion: how long to wait before reporting what never ended as lost. */
    private static final Duration GIVE_UP = Duration.ofMinutes(20);
    /** The end state must hold this long, with no function writing a line, before it is read. */
    private static final Duration QUIET = Duration.ofSeconds(5);
    private static final Duration PROGRESS = Duration.ofSeconds(30);
    /** Idle (no event, no message, no output) this long with an upload not ended: nothing is left that could end it. */
    private static final Duration STUCK = Duration.ofSeconds(30);
    private static final double FRAME = 1.0 / 25;
    /** What a good video's FAILED reason says when retries, not its content, ended it. */
    private static final List<String> RETRIES_SPENT = List.of("attempts", "times", "every delivery failed", "got too old");
    /** What a video's FAILED reason says when a later write of its key replaced the object before it was read. */
    private static final String REPLACED = "the upload was replaced before it was processed";

    /** One write to the uploads bucket and what it must become. */
    private record Upload(String key, Supplier<Path> file, boolean multipart, boolean video) {
        static Upload good(String key, Supplier<Path> file) {
            return new Upload(key, file, false, true);
        }

        static Upload goodInParts(String key, Supplier<Path> file) {
            return new Upload(key, file, true, true);
        }

        static Upload bad(String key, Supplier<Path> file) {
            return new Upload(key, file, false, false);
        }
    }

    @TempDir
    Path scratch;

    @Test
    void everyUploadEndsReadyOrFailedOnceWithCompleteOutputsAndNothingLeftBehind() throws Exception {
        var scale = ChaosScale.current();
        var seed = ChaosScale.seed(9);
        var uploads = uploads(scale);
        uploads.forEach(upload -> upload.file().get());   // made before the clock starts

        try (var output = CapturedOutput.start();
             var runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                     .withParameters(Map.of(
                             "VideoRenditions", "180p:180:300",
                             "VideoX264Preset", "ultrafast",
                             // markers() is 24 s: three segments of about 8 s.
                             "VideoSegmentThresholdSeconds", "10",
                             "VideoSegmentSeconds", "8"))
                     .withLambdaSettings(new LambdaSettings(scale == ChaosScale.FAST ? 3 : 4, Emulators.ACCOUNT_ID))
                     .withAsyncTiming(new AsyncInvoker.Timing(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5)))
                     .withChaos(ChaosPlan.parse("seed=" + seed + ";duplicate=0.3;reorder=0.2;kill=0.1;overrun=0.05;redeliver=2s;"
                             + "functions=" + String.join(",", VIDEO_FUNCTIONS)))
                     .withFaults("seed=" + seed + ";throttle=0.05;error5xx=0.05;failAfterWrite=0.1;latency=0-20ms")
                     .withInitializeFunctions(false)
                     .withHttpPort(0));
             var pipeline = new VideoPipelineClient(runtime)) {

            var started = Instant.now();
            for (var upload : uploads) {
                if (upload.multipart()) {
                    pipeline.multipart(upload.key(), upload.file().get());
                } else {
                    pipeline.put(upload.key(), upload.file().get());
                }
            }
            // S3 delivers the first upload's event again while it is being transcoded.
            var first = awaitRecord(pipeline, uploads.getFirst().key());
            runtime.invokeAsync("VideoTranscoderFunction", pipeline.uploadEvent(first));

            var convergedAt = awaitEndState(pipeline, runtime, output, uploads.size());
            var timeToConverge = Duration.between(started, convergedAt.orElse(Instant.now()));

            var outcome = new Outcome();
            var records = pipeline.allRecords();
            check(outcome, uploads, records, pipeline, output);

            // Counts that are not outcomes (notices, orphans) are zero when all is well, so the row's total stays the videos'.
            var outcomes = new LinkedHashMap<String, Long>();
            outcomes.put("READY", records.stream().filter(r -> r.status() == VideoStatus.READY).count());
            outcomes.put("FAILED", records.stream().filter(r -> r.status() == VideoStatus.FAILED).count());
            outcomes.put("orphaned objects", (long) outcome.orphans.size());
            var report = new ChaosReport(SCENARIO, seed, scale, uploads.size(), output.faultsByKind(), runtime.chaosCounts(),
                    outcomes, outcome.lost.size(), outcome.duplicates.size(), timeToConverge);
            System.out.println(report.write());
            System.out.println("Video chaos details: " + pipeline.allNotices().size() + " notices, " + outcome.repeatedNotices
                    + " of them repeats of a video's notice (same status: notices are at least once), "
                    + outcome.missingCounts + " ended videos without a VideosReady/VideosFailed count (EMF lines are at most once), "
                    + outcome.goodButFailed.size() + " good videos FAILED after spending their retries, "
                    + outcome.overwritten.size() + " FAILED because a later write of their key replaced the object first, "
                    + outcome.failedLeftovers.size() + " outputs of FAILED videos left under videos/");
            outcome.print();

            assertThat(convergedAt).as("every upload ended and the pipeline came to rest (within " + GIVE_UP + ")").isPresent();
            assertThat(outcome.lost).as("uploads that did not end READY or FAILED with a notice").isEmpty();
            assertThat(outcome.duplicates).as("effects applied more than once").isEmpty();
            assertThat(outcome.orphans).as("objects of the outputs bucket no READY video names").isEmpty();
            assertThat(outcome.incomplete).as("READY videos whose outputs are missing or wrong").isEmpty();
            assertThat(outcome.wrongOutcome).as("uploads that ended the wrong way").isEmpty();
            assertThat(outcomes.get("READY")).as("chaos at these rates leaves good videos READY: a run where none is points at the pipeline, not the chaos").isPositive();
        }
    }

    private static List<Upload> uploads(ChaosScale scale) {
        var uploads = new ArrayList<>(List.of(
                Upload.good("uploads/clip.mp4", TestVideos::silent),
                Upload.goodInParts("uploads/tone.mp4", TestVideos::landscape),
                Upload.good("uploads/long.mp4", TestVideos::markers),
                Upload.bad("uploads/notes.mp4", TestVideos::text),
                // The same object again: a second write, so a second video of the same content.
                Upload.good("uploads/clip.mp4", TestVideos::silent)));
        if (scale == ChaosScale.FULL) {
            uploads.addAll(List.of(
                    Upload.good("uploads/phone/portrait.mp4", TestVideos::portrait),
                    Upload.good("uploads/blink.mp4", TestVideos::veryShort),
                    Upload.good("uploads/long-again.mp4", TestVideos::markers),
                    Upload.bad("uploads/nothing.mp4", TestVideos::empty),
                    Upload.bad("uploads/interrupted.mp4", TestVideos::truncated),
                    Upload.goodInParts("uploads/long.mp4", TestVideos::markers)));
        }
        return uploads;
    }

    /** The first video made from an upload at {@code key} (its record exists once the transcoder claimed it). */
    private static VideoRecord awaitRecord(VideoPipelineClient pipeline, String key) throws InterruptedException {
        var deadline = Instant.now().plus(GIVE_UP);
        while (Instant.now().isBefore(deadline)) {
            var found = pipeline.allRecords().stream().filter(record -> record.upload().key().equals(key)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No video for " + key + " within " + GIVE_UP);
    }

    /**
     * Waits until every write is a final, notified video, no asynchronous event waits, the work
     * queues are empty and nothing has printed a line for {@link #QUIET} (a duplicate invocation
     * may still be writing after its message is gone). Returns when that state was first reached;
     * empty when the pipeline came to rest with an upload not ended (nothing left that could end
     * it) or did not come to rest within {@link #GIVE_UP}.
     */
    private static Optional<Instant> awaitEndState(VideoPipelineClient pipeline, LocalRuntime runtime,
                                                   CapturedOutput output, int writes) throws InterruptedException {
        var deadline = Instant.now().plus(GIVE_UP);
        Instant reached = null;
        Instant quietSince = Instant.now();
        var lines = output.lines().size();
        var nextProgress = Instant.now().plus(PROGRESS);
        while (Instant.now().isBefore(deadline)) {
            if (Instant.now().isAfter(nextProgress)) {
                System.out.println("Video chaos, not at rest yet: " + state(pipeline, runtime));
                nextProgress = Instant.now().plus(PROGRESS);
            }
            pipeline.receiveNotices();
            var now = output.lines().size();
            if (now != lines) {
                lines = now;
                quietSince = Instant.now();
            }
            var quiet = Duration.between(quietSince, Instant.now());
            var idle = runtime.pendingAsyncEvents() == 0 && workQueuesEmpty(pipeline);
            if (idle && allEnded(pipeline, writes)) {
                if (reached == null) {
                    reached = Instant.now();
                }
                if (quiet.compareTo(QUIET) >= 0 && Duration.between(reached, Instant.now()).compareTo(QUIET) >= 0) {
                    pipeline.receiveNotices();
                    return Optional.of(reached);
                }
            } else {
                reached = null;
                if (idle && quiet.compareTo(STUCK) >= 0) {
                    System.out.println("Video chaos, at rest with uploads not ended: " + state(pipeline, runtime));
                    return Optional.empty();
                }
            }
        }
        System.out.println("Video chaos, not at rest within " + GIVE_UP + ": " + state(pipeline, runtime));
        return Optional.empty();
    }

    /** Every write is a video that ended, was marked notified, and whose notice this client received. */
    private static boolean allEnded(VideoPipelineClient pipeline, int writes) {
        var records = pipeline.allRecords();
        if (records.size() < writes || records.stream().anyMatch(record -> record.status() == VideoStatus.PROCESSING || !record.notified())) {
            return false;
        }
        return records.stream().allMatch(record -> pipeline.noticesFor(record.upload().key()).stream()
                .anyMatch(notice -> notice.videoId().equals(record.id())));
    }

    private static boolean workQueuesEmpty(VideoPipelineClient pipeline) {
        for (var queue : WORK_QUEUES) {
            var attributes = pipeline.aws().sqs().getQueueAttributes(get -> get.queueUrl(pipeline.queue(queue))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            if (attributes.values().stream().anyMatch(count -> !count.equals("0"))) {
                return false;
            }
        }
        return true;
    }

    /** Where each video and each of the pipeline's queues stand, for a run that does not come to rest. */
    private static String state(VideoPipelineClient pipeline, LocalRuntime runtime) {
        var text = new StringBuilder("pending async events ").append(runtime.pendingAsyncEvents());
        for (var record : pipeline.allRecords()) {
            text.append("; ").append(record.id()).append(' ').append(record.status()).append(record.notified() ? " notified" : "")
                    .append(" segments ").append(record.segmentsDone().size()).append('/').append(record.segmentCount());
        }
        for (var queue : List.of("VideoSegmentsQueue", "VideoAssemblyQueue", "VideoFailuresQueue", "VideoFailuresDeadLetterQueue",
                "VideoNotificationsQueue")) {
            text.append("; ").append(queue).append(' ').append(pipeline.aws().sqs().getQueueAttributes(get -> get
                    .queueUrl(pipeline.queue(queue)).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values());
        }
        return text.toString();
    }

    /** What the end state shows, each finding named for the report and the assertions. */
    private static final class Outcome {
        final List<String> lost = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        final List<String> orphans = new ArrayList<>();
        final List<String> incomplete = new ArrayList<>();
        final List<String> wrongOutcome = new ArrayList<>();
        final List<String> goodButFailed = new ArrayList<>();
        /** Videos of an earlier write of a key that FAILED because a later write replaced the object first. */
        final List<String> overwritten = new ArrayList<>();
        /** A poster or rendition written under videos/ before the video FAILED: not a segment, and named by no READY video. */
        final List<String> failedLeftovers = new ArrayList<>();
        long repeatedNotices;
        long missingCounts;

        void print() {
            var text = new StringBuilder("Video chaos findings:\n");
            Map.of("lost", lost, "duplicates applied", duplicates, "orphans", orphans, "incomplete outputs", incomplete,
                            "wrong outcome", wrongOutcome, "good videos FAILED by spent retries", goodButFailed,
                            "outputs of FAILED videos", failedLeftovers, "FAILED, replaced by a later write", overwritten)
                    .forEach((name, items) -> items.forEach(item -> text.append("  ").append(name).append(": ").append(item).append('\n')));
            System.out.print(text);
        }
    }

    private void check(Outcome outcome, List<Upload> uploads, List<VideoRecord> records, VideoPipelineClient pipeline,
                       CapturedOutput output) {
        var transitions = transitionsByVideo(output);
        var writesByKey = uploads.stream().collect(Collectors.groupingBy(Upload::key, TreeMap::new, Collectors.toList()));
        for (var entry : writesByKey.entrySet()) {
            var key = entry.getKey();
            var writes = entry.getValue();
            var videos = records.stream().filter(record -> record.upload().key().equals(key)).toList();
            if (videos.size() < writes.size()) {
                outcome.lost.add(key + ": " + writes.size() + " writes, " + videos.size() + " videos");
            } else if (videos.size() > writes.size()) {
                outcome.duplicates.add(key + ": " + writes.size() + " writes became " + videos.size() + " videos");
            }
            // Writes of one key are the same kind of file here, so any of them describes every video of the key.
            var upload = writes.getFirst();
            var notices = pipeline.noticesFor(key);
            // S3's sequencer orders the writes of a key: all but the newest may find the object replaced.
            var newest = videos.stream().map(video -> video.upload().sequencer()).max(Comparator.naturalOrder()).orElse("");
            for (var video : videos) {
                checkVideo(outcome, upload, video, notices.stream().filter(n -> n.videoId().equals(video.id())).toList(),
                        transitions.getOrDefault(video.id(), List.of()), !video.upload().sequencer().equals(newest), pipeline);
            }
        }
        for (var record : records) {
            if (!writesByKey.containsKey(record.upload().key())) {
                outcome.duplicates.add(record.id() + ": a video of " + record.upload().key() + ", which nothing uploaded");
            }
        }
        checkOutputsBucket(outcome, records, pipeline);
        for (var key : writesByKey.keySet()) {
            if (!pipeline.aws().s3().listObjectsV2(list -> list.bucket(pipeline.uploadsBucket()).prefix(key)).contents().stream()
                    .anyMatch(object -> object.key().equals(key))) {
                outcome.wrongOutcome.add(key + ": the upload is gone from the uploads bucket");
            }
        }
    }

    private void checkVideo(Outcome outcome, Upload upload, VideoRecord video, List<VideoNotice> notices, List<String> counted,
                            boolean overwritten, VideoPipelineClient pipeline) {
        var id = video.id() + " (" + upload.key() + ")";
        if (video.status() == VideoStatus.PROCESSING) {
            outcome.lost.add(id + ": still PROCESSING");
            return;
        }
        if (notices.isEmpty()) {
            outcome.lost.add(id + ": " + video.status() + " without a notice");
        }
        if (notices.stream().anyMatch(notice -> notice.status() != video.status())) {
            outcome.duplicates.add(id + ": " + video.status() + " but noticed as "
                    + notices.stream().map(notice -> notice.status().name()).toList());
        }
        outcome.repeatedNotices += Math.max(0, notices.size() - 1);
        var expectedCount = video.status() == VideoStatus.READY ? "VideosReady" : "VideosFailed";
        if (counted.size() > 1 || counted.stream().anyMatch(metric -> !metric.equals(expectedCount))) {
            outcome.duplicates.add(id + ": " + video.status() + ", ended " + counted.size() + " times: " + counted);
        }
        outcome.missingCounts += counted.isEmpty() ? 1 : 0;

        if (!upload.video()) {
            if (video.status() != VideoStatus.FAILED || video.reason().isEmpty()) {
                outcome.wrongOutcome.add(id + ": not a video, but " + video.status() + " " + video.reason().orElse(""));
            }
            return;
        }
        if (video.status() == VideoStatus.FAILED) {
            var reason = video.reason().orElse("");
            if (overwritten && reason.contains(REPLACED)) {
                // A later write of the key came first: that write is its own video, and this one must not show its content.
                outcome.overwritten.add(id + ": " + reason);
                return;
            }
            outcome.goodButFailed.add(id + ": " + reason);
            if (RETRIES_SPENT.stream().noneMatch(reason::contains)) {
                outcome.wrongOutcome.add(id + ": a good video FAILED for its content: " + reason);
            }
            return;
        }
        checkOutputs(outcome, id, upload, video, pipeline);
    }

    /** Every rendition and the poster of a READY video are in the outputs bucket, and ffprobe reads them as the source's length. */
    private void checkOutputs(Outcome outcome, String id, Upload upload, VideoRecord video, VideoPipelineClient pipeline) {
        var source = upload.file().get();
        var sourceDuration = VideoMeasurements.videoDuration(source);
        var sourceHasAudio = video.metadata().map(metadata -> metadata.hasAudio()).orElse(false);
        if (video.renditions().isEmpty()) {
            outcome.incomplete.add(id + ": READY without renditions");
        }
        for (StoredRendition rendition : video.renditions()) {
            try {
                var file = pipeline.download(rendition.key(), scratch);
                var picture = VideoMeasurements.picture(file);
                if (!picture.equals("h264 " + rendition.width() + "x" + rendition.height())) {
                    outcome.incomplete.add(id + ": " + rendition.key() + " is " + picture);
                }
                var duration = VideoMeasurements.videoDuration(file);
                if (Math.abs(duration - sourceDuration) > FRAME + 1e-6) {
                    outcome.incomplete.add(id + ": " + rendition.key() + " is " + duration + " s long, the upload " + sourceDuration + " s");
                }
                if (VideoMeasurements.frameCount(file) != VideoMeasurements.frameCount(source)) {
                    outcome.incomplete.add(id + ": " + rendition.key() + " has " + VideoMeasurements.frameCount(file)
                            + " frames, the upload " + VideoMeasurements.frameCount(source));
                }
                if (sourceHasAudio && Math.abs(VideoMeasurements.audioDuration(file) - sourceDuration) > 0.1) {
                    outcome.incomplete.add(id + ": " + rendition.key() + "'s sound is " + VideoMeasurements.audioDuration(file) + " s long");
                }
            } catch (RuntimeException e) {
                outcome.incomplete.add(id + ": " + rendition.key() + " cannot be read: " + e.getMessage());
            }
        }
        try {
            var poster = pipeline.download(video.posterKey().orElseThrow(() -> new IllegalStateException("no poster key")), scratch);
            if (!VideoMeasurements.picture(poster).startsWith("mjpeg ")) {
                outcome.incomplete.add(id + ": the poster is " + VideoMeasurements.picture(poster));
            }
        } catch (RuntimeException e) {
            outcome.incomplete.add(id + ": the poster cannot be read: " + e.getMessage());
        }
    }

    /**
     * Nothing under {@code work/}; under {@code videos/}, only what a READY video's record names
     * (what a FAILED video wrote there before it failed is counted apart).
     */
    private void checkOutputsBucket(Outcome outcome, List<VideoRecord> records, VideoPipelineClient pipeline) {
        var named = new HashMap<String, String>();
        for (var record : records) {
            if (record.status() == VideoStatus.READY) {
                record.renditions().forEach(rendition -> named.put(rendition.key(), record.id()));
                record.posterKey().ifPresent(poster -> named.put(poster, record.id()));
            }
        }
        var statuses = records.stream().collect(Collectors.toMap(VideoRecord::id, record -> record.status().name()));
        for (var key : pipeline.outputs().list("")) {
            if (!named.containsKey(key)) {
                var parts = key.split("/");
                var owner = parts.length > 1 ? statuses.getOrDefault(parts[1], "no video") : "no video";
                if (parts[0].equals("videos") && owner.equals(VideoStatus.FAILED.name())) {
                    outcome.failedLeftovers.add(key);
                } else {
                    outcome.orphans.add(key + " (video " + owner + ")");
                }
            }
        }
    }

    /** The {@code VideosReady}/{@code VideosFailed} counts the functions wrote, by the video each names. */
    private static Map<String, List<String>> transitionsByVideo(CapturedOutput output) {
        var transitions = new HashMap<String, List<String>>();
        for (JsonNode line : output.jsonLinesWith("_aws")) {
            for (var metric : List.of("VideosReady", "VideosFailed")) {
                if (line.has(metric)) {
                    transitions.computeIfAbsent(line.path("video_id").asText("?"), id -> new ArrayList<>()).add(metric);
                }
            }
        }
        return transitions;
    }
}
