package dev.offstage.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.Upload;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The video part of {@code template.yaml} as the local runtime provisions it, the sample events
 * of {@code events/}, and the events {@link VideoStack} builds for tests.
 */
@ExtendWith(EmulatorsExtension.class)
class VideoStackTest {

    private static final Set<String> GLOBAL_VARIABLES = Set.of("OFFSTAGE_IDEMPOTENCY_TABLE", "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS",
            "OFFSTAGE_METRICS_NAMESPACE");

    @TempDir
    Path folder;

    /** One stack for the class: provisioning the whole template takes a while, and these tests only read it. */
    private static VideoStack stack;

    @BeforeAll
    static void provision(Emulators emulators) {
        stack = new VideoStack(emulators);
    }

    @AfterAll
    static void close() {
        stack.close();
    }

    private Set<String> ownVariables(String function) {
        var names = new TreeSet<>(stack.application.functions().get(function).environment().keySet());
        names.removeAll(GLOBAL_VARIABLES);
        return names;
    }

    /** The sample upload as the transcoder reads it. */
    private static Upload sampleUpload() {
        return VideoTranscoder.upload(VideoStack.s3(VideoStack.S3_UPLOAD).getRecords().getFirst());
    }

    @Test
    void eachFunctionGetsExactlyTheVariablesItNeeds() {
        assertThat(ownVariables(VideoStack.TRANSCODER)).containsExactlyInAnyOrder("VIDEOS_TABLE", "VIDEO_OUTPUTS_BUCKET",
                "VIDEO_SEGMENTS_QUEUE_URL", "VIDEO_NOTIFICATIONS_QUEUE_URL", "VIDEO_FFMPEG", "VIDEO_FFPROBE", "VIDEO_X264_PRESET",
                "VIDEO_RENDITIONS", "VIDEO_MAX_UPLOAD_BYTES", "VIDEO_MAX_DURATION_SECONDS", "VIDEO_SEGMENT_THRESHOLD_SECONDS",
                "VIDEO_SEGMENT_SECONDS", "VIDEO_ASYNC_ATTEMPTS");
        assertThat(ownVariables(VideoStack.SEGMENT_WORKER)).containsExactlyInAnyOrder("VIDEOS_TABLE", "VIDEO_OUTPUTS_BUCKET",
                "VIDEO_ASSEMBLY_QUEUE_URL", "VIDEO_NOTIFICATIONS_QUEUE_URL", "VIDEO_FFMPEG", "VIDEO_FFPROBE", "VIDEO_X264_PRESET",
                "VIDEO_MAX_RECEIVES");
        assertThat(ownVariables(VideoStack.ASSEMBLER)).containsExactlyInAnyOrder("VIDEOS_TABLE", "VIDEO_OUTPUTS_BUCKET",
                "VIDEO_NOTIFICATIONS_QUEUE_URL", "VIDEO_FFMPEG", "VIDEO_FFPROBE", "VIDEO_MAX_RECEIVES");
        assertThat(ownVariables(VideoStack.FAILURE_RECORDER)).containsExactlyInAnyOrder("VIDEOS_TABLE", "VIDEO_NOTIFICATIONS_QUEUE_URL");
    }

    @Test
    void variablesNameTheProvisionedResourcesAndTheDefaults() {
        var transcoder = stack.environment(VideoStack.TRANSCODER);
        assertThat(transcoder.require("VIDEOS_TABLE")).isEqualTo(stack.videosTable());
        assertThat(transcoder.require(VideoFiles.OUTPUTS_BUCKET_VARIABLE)).isEqualTo(stack.outputsBucket());
        assertThat(transcoder.require("VIDEO_SEGMENTS_QUEUE_URL")).isEqualTo(stack.queueUrl(VideoStack.SEGMENTS_QUEUE));
        assertThat(transcoder.require("VIDEO_NOTIFICATIONS_QUEUE_URL")).isEqualTo(stack.queueUrl(VideoStack.NOTIFICATIONS_QUEUE));
        // Without FfmpegLayerArn: the machine's ffmpeg, found on the PATH.
        assertThat(transcoder.require("VIDEO_FFMPEG")).isEqualTo("ffmpeg");
        assertThat(transcoder.require("VIDEO_FFPROBE")).isEqualTo("ffprobe");
        assertThat(transcoder.require("VIDEO_RENDITIONS")).isEqualTo("1080p:1080:5000,720p:720:2800,480p:480:1400");
        assertThat(transcoder.require("VIDEO_MAX_UPLOAD_BYTES")).isEqualTo("4294967296");
        assertThat(transcoder.intValue("VIDEO_MAX_DURATION_SECONDS", 0)).isEqualTo(7200);
        assertThat(transcoder.intValue("VIDEO_SEGMENT_THRESHOLD_SECONDS", 0)).isEqualTo(120);
        assertThat(transcoder.intValue("VIDEO_SEGMENT_SECONDS", 0)).isEqualTo(30);
        assertThat(transcoder.require("VIDEO_X264_PRESET")).isEqualTo("veryfast");
        // One attempt plus EventInvokeConfig's retries.
        assertThat(transcoder.intValue("VIDEO_ASYNC_ATTEMPTS", 0))
                .isEqualTo(1 + stack.application.functions().get(VideoStack.TRANSCODER).async().maximumRetryAttempts());
        var worker = stack.environment(VideoStack.SEGMENT_WORKER);
        assertThat(worker.require("VIDEO_ASSEMBLY_QUEUE_URL")).isEqualTo(stack.queueUrl(VideoStack.ASSEMBLY_QUEUE));
        assertThat(worker.intValue("VIDEO_MAX_RECEIVES", 0))
                .isEqualTo(stack.application.queues().get(VideoStack.SEGMENTS_QUEUE).redrive().orElseThrow().maxReceiveCount());
        assertThat(stack.environment(VideoStack.ASSEMBLER).intValue("VIDEO_MAX_RECEIVES", 0))
                .isEqualTo(stack.application.queues().get(VideoStack.ASSEMBLY_QUEUE).redrive().orElseThrow().maxReceiveCount());
    }

    @Test
    void layerParameterPointsTheFunctionsAtTheLayersTools(Emulators emulators) {
        try (var withLayer = new VideoStack(emulators, Map.of("FfmpegLayerArn", "arn:aws:lambda:us-east-1:123456789012:layer:ffmpeg:3",
                "VideoMaxReceiveCount", "7"))) {
            for (var function : List.of(VideoStack.TRANSCODER, VideoStack.SEGMENT_WORKER, VideoStack.ASSEMBLER)) {
                assertThat(withLayer.environment(function).require("VIDEO_FFMPEG")).isEqualTo("/opt/bin/ffmpeg");
                assertThat(withLayer.environment(function).require("VIDEO_FFPROBE")).isEqualTo("/opt/bin/ffprobe");
            }
            assertThat(withLayer.environment(VideoStack.SEGMENT_WORKER).require("VIDEO_MAX_RECEIVES")).isEqualTo("7");
        }
    }

    @Test
    void queuesOutlastTheirConsumersAndFailuresHaveSomewhereToGo() {
        var functions = stack.application.functions();
        var queues = stack.application.queues();
        // Six times the consumer's timeout, as Lambda advises for SQS event sources.
        assertThat(queues.get(VideoStack.SEGMENTS_QUEUE).visibilityTimeout())
                .isGreaterThanOrEqualTo(functions.get(VideoStack.SEGMENT_WORKER).timeout().multipliedBy(6));
        assertThat(queues.get(VideoStack.ASSEMBLY_QUEUE).visibilityTimeout())
                .isGreaterThanOrEqualTo(functions.get(VideoStack.ASSEMBLER).timeout().multipliedBy(6));
        assertThat(functions.get(VideoStack.TRANSCODER).timeout()).isEqualTo(Duration.ofMinutes(15));
        for (var queue : List.of(VideoStack.SEGMENTS_QUEUE, VideoStack.ASSEMBLY_QUEUE, VideoStack.NOTIFICATIONS_QUEUE, VideoStack.FAILURES_QUEUE)) {
            assertThat(queues.get(queue).redrive()).as(queue).isPresent();
        }
        // Work that failed every delivery goes where the failure recorder ends its video.
        for (var queue : List.of(VideoStack.SEGMENTS_QUEUE, VideoStack.ASSEMBLY_QUEUE)) {
            assertThat(queues.get(queue).redrive().orElseThrow().deadLetterQueueLogicalId()).as(queue).isEqualTo(VideoStack.FAILURES_QUEUE);
            assertThat(queues.get(queue).redrive().orElseThrow().maxReceiveCount()).as(queue).isGreaterThanOrEqualTo(5);
        }
        assertThat(functions.get(VideoStack.FAILURE_RECORDER).events()).singleElement()
                .isInstanceOfSatisfying(dev.offstage.local.model.EventSource.Sqs.class,
                        sqs -> assertThat(sqs.queueLogicalId()).isEqualTo(VideoStack.FAILURES_QUEUE));
        var async = functions.get(VideoStack.TRANSCODER).async();
        assertThat(async.maximumRetryAttempts()).isEqualTo(2);
        assertThat(async.onFailure()).hasValueSatisfying(destination ->
                assertThat(destination.logicalId()).isEqualTo(VideoStack.FAILURES_QUEUE));
    }

    @Test
    void uploadsAndOutputsAreDifferentBucketsAndOnlyUploadsTrigger() {
        assertThat(stack.uploadsBucket()).isNotEqualTo(stack.outputsBucket());
        var s3Events = stack.application.functions().values().stream()
                .flatMap(function -> function.events().stream())
                .filter(dev.offstage.local.model.EventSource.S3.class::isInstance)
                .map(dev.offstage.local.model.EventSource.S3.class::cast)
                .toList();
        assertThat(s3Events).singleElement().satisfies(event -> {
            assertThat(event.bucketLogicalId()).isEqualTo(VideoStack.UPLOADS_BUCKET);
            assertThat(event.events()).containsExactly("s3:ObjectCreated:*");
        });
        // Named from stack, account and region, as in AWS: see the template's comment on VideoUploadsBucket.
        assertThat(stack.uploadsBucket()).isEqualTo(stack.application.stackName() + "-uploads-000000000000-us-east-1");
    }

    @Test
    void sampleEventsParseAndTellOneStory() {
        var upload = sampleUpload();
        assertThat(upload.bucket()).isEqualTo("offstage-uploads-123456789012-us-east-1");
        assertThat(upload.key()).isEqualTo("uploads/holiday-clip.mp4");
        assertThat(upload.size()).isEqualTo(48_213_377L);
        assertThat(upload.versionId()).isEmpty();
        assertThat(VideoStack.s3(VideoStack.S3_UPLOAD).getRecords().getFirst().getS3().getObject().getVersionId())
                .as("what the runtime's serializer makes of an absent versionId").isIn("", null);
        assertThat(VideoStack.s3(VideoStack.S3_UPLOAD).getRecords().getFirst().getEventName()).isEqualTo("ObjectCreated:Put");
        var videoId = upload.videoId();

        var segment = VideoStack.sqs(VideoStack.SQS_SEGMENT).getRecords();
        assertThat(segment).hasSize(1);
        var body = Json.tree(segment.getFirst().getBody());
        assertThat(body.get("videoId").asText()).isEqualTo(videoId);
        assertThat(body.get("index").asInt()).isZero();
        assertThat(body.get("count").asInt()).isEqualTo(3);
        assertThat(body.get("sourceKey").asText()).isEqualTo(VideoFiles.sourceSegmentKey(videoId, 0));
        assertThat(body.get("renditions").get(0).get("name").asText()).isEqualTo("720p");
        assertThat(segment.getFirst().getMessageAttributes().get("correlationId").getStringValue())
                .isEqualTo(body.get("correlationId").asText());

        var assemble = VideoStack.sqs(VideoStack.SQS_ASSEMBLE).getRecords();
        assertThat(assemble).hasSize(1);
        assertThat(Json.tree(assemble.getFirst().getBody()).get("videoId").asText()).isEqualTo(videoId);
        // What sam local invoke -e sends must be a message the assembler takes.
        assertThat(dev.offstage.video.segments.AssemblyMessage.parse(assemble.getFirst().getBody()).renditions())
                .extracting(rendition -> rendition.name()).containsExactly("720p");
        assertThat(assemble.getFirst().getMessageAttributes().get("correlationId").getStringValue()).isEqualTo(videoId);
    }

    @Test
    void uploadedObjectBecomesTheEventS3Sends() throws Exception {
        var file = Files.write(folder.resolve("clip.mp4"), new byte[4321]);

        var event = stack.upload("uploads/My Holiday+1.mp4", file);
        var again = stack.uploaded("uploads/My Holiday+1.mp4");

        var record = event.getRecords().getFirst();
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(record.getEventSource()).isEqualTo("aws:s3");
        assertThat(record.getAwsRegion()).isEqualTo(Emulators.REGION);
        assertThat(record.getEventTime()).isNotNull();
        assertThat(record.getS3().getBucket().getName()).isEqualTo(stack.uploadsBucket());
        assertThat(record.getS3().getBucket().getArn()).isEqualTo("arn:aws:s3:::" + stack.uploadsBucket());
        assertThat(record.getS3().getObject().getKey()).isEqualTo("uploads/My+Holiday%2B1.mp4");
        assertThat(record.getS3().getObject().getUrlDecodedKey()).isEqualTo("uploads/My Holiday+1.mp4");
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(4321);
        var head = stack.aws.s3().headObject(request -> request.bucket(stack.uploadsBucket()).key("uploads/My Holiday+1.mp4"));
        assertThat('"' + record.getS3().getObject().geteTag() + '"').isEqualTo(head.eTag());
        // A new event for the same key is a new upload: S3's sequencer grows.
        assertThat(again.getRecords().getFirst().getS3().getObject().getSequencer())
                .isGreaterThan(record.getS3().getObject().getSequencer());
    }

    @Test
    void deliverHandsTheConsumerWhatLambdaWouldAndRequeuesReportedFailures() {
        var url = stack.queueUrl(VideoStack.SEGMENTS_QUEUE);
        stack.aws.sqs().sendMessage(send -> send.queueUrl(url).messageBody("{\"videoId\":\"v\",\"index\":0}")
                .messageAttributes(Map.of("correlationId", MessageAttributeValue.builder().dataType("String").stringValue("v").build())));

        var first = stack.deliver(VideoStack.SEGMENTS_QUEUE, batch -> failAll(batch));
        var second = stack.deliver(VideoStack.SEGMENTS_QUEUE, batch -> new SQSBatchResponse(List.of()));
        var third = stack.deliver(VideoStack.SEGMENTS_QUEUE, batch -> new SQSBatchResponse(List.of()));

        var record = first.getRecords().getFirst();
        assertThat(record.getBody()).isEqualTo("{\"videoId\":\"v\",\"index\":0}");
        assertThat(record.getMessageAttributes().get("correlationId").getStringValue()).isEqualTo("v");
        assertThat(record.getEventSourceArn()).isEqualTo(stack.resources.queue(VideoStack.SEGMENTS_QUEUE).arn());
        assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
        assertThat(second.getRecords()).singleElement().satisfies(redelivered ->
                assertThat(redelivered.getAttributes()).containsEntry("ApproximateReceiveCount", "2"));
        assertThat(third.getRecords()).isEmpty();
    }

    private static SQSBatchResponse failAll(SQSEvent batch) {
        return new SQSBatchResponse(batch.getRecords().stream()
                .map(record -> new SQSBatchResponse.BatchItemFailure(record.getMessageId())).toList());
    }
}
