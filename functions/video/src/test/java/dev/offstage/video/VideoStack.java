package dev.offstage.video;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.local.triggers.S3Notifications;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestContext;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.segments.VideoQueue;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.VideoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code template.yaml}'s resources, provisioned in the emulators as the local runtime does it,
 * for in-process tests of the video functions (here, in {@code e2e/} and in the benchmarks) with
 * exactly the environment the template gives each function; and the events those functions get:
 * S3's for an object just uploaded, built from {@code events/video-s3-upload.json}, and the
 * queues' batches through {@link #deliver}.
 */
public final class VideoStack extends ProvisionedStack {

    public static final Path TEMPLATE = Path.of("template.yaml");

    public static final String TRANSCODER = "VideoTranscoderFunction";
    public static final String SEGMENT_WORKER = "VideoSegmentFunction";
    public static final String ASSEMBLER = "VideoAssemblerFunction";

    public static final String UPLOADS_BUCKET = "VideoUploadsBucket";
    public static final String OUTPUTS_BUCKET = "VideoOutputsBucket";
    public static final String VIDEOS_TABLE = "VideosTable";
    public static final String SEGMENTS_QUEUE = "VideoSegmentsQueue";
    public static final String ASSEMBLY_QUEUE = "VideoAssemblyQueue";
    public static final String NOTIFICATIONS_QUEUE = "VideoNotificationsQueue";
    public static final String FAILURES_QUEUE = "VideoFailuresQueue";
    public static final String FAILURE_RECORDER = "VideoFailureRecorderFunction";

    /** An S3 {@code ObjectCreated:Put} event for the uploads bucket of a stack deployed as {@code offstage}. */
    public static final String S3_UPLOAD = "events/video-s3-upload.json";
    /** A segment message, as the transcoder sends it for segment 0 of 3 of the sample upload. */
    public static final String SQS_SEGMENT = "events/video-sqs-segment.json";
    /** An assembly message for the sample upload, as the last segment worker sends it. */
    public static final String SQS_ASSEMBLE = "events/video-sqs-assemble.json";

    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** S3's sequencer orders the events of a key; one increasing counter orders them all, across stacks. */
    private static final AtomicLong SEQUENCER = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    /** The template with its defaults. */
    public VideoStack(Emulators emulators) {
        this(emulators, Map.of());
    }

    /** The template with these parameter values (e.g. {@code VideoSegmentThresholdSeconds}). */
    public VideoStack(Emulators emulators, Map<String, String> parameterOverrides) {
        super(emulators, TEMPLATE, parameterOverrides);
    }

    public String uploadsBucket() {
        return resources.bucket(UPLOADS_BUCKET).name();
    }

    public String outputsBucket() {
        return resources.bucket(OUTPUTS_BUCKET).name();
    }

    public String videosTable() {
        return resources.table(VIDEOS_TABLE).name();
    }

    /** The videos table, as the functions use it. */
    public VideoStore videoStore(Clock clock) {
        return new VideoStore(aws.dynamoDb(), videosTable(), clock);
    }

    /** The outputs bucket (and presigned reads of uploads), as the functions use it. */
    public VideoFiles videoFiles() {
        return new VideoFiles(aws.s3(), aws.s3Presigner(), outputsBucket());
    }

    /** The notifications queue, as the functions send to it. */
    public VideoNotifications notifications() {
        return new VideoNotifications(aws.sqs(), queueUrl(NOTIFICATIONS_QUEUE));
    }

    /** A queue of the stack, as the video functions send to it. */
    public VideoQueue videoQueue(String queueLogicalId) {
        return new VideoQueue(aws.sqs(), queueUrl(queueLogicalId));
    }

    /** Uploads a file to the uploads bucket, as a user would, and returns the S3 event S3 sends for it. */
    public S3Event upload(String key, Path file) {
        aws.s3().putObject(put -> put.bucket(uploadsBucket()).key(key), RequestBody.fromFile(file));
        return uploaded(key);
    }

    /**
     * The S3 event for the object just created under {@code key} in the uploads bucket: the
     * sample {@link #S3_UPLOAD} reshaped with the bucket, the key (form-encoded, as S3 writes it),
     * the object's size, entity tag and version, the time now, and a new sequencer — so each call
     * is a new upload, and handing the same event over twice is S3's duplicate delivery.
     */
    public S3Event uploaded(String key) {
        return s3Event(uploadedJson(key));
    }

    /** {@link #uploaded} as the JSON S3 sends (what Lambda's invocation record carries as {@code requestPayload}). */
    public String uploadedJson(String key) {
        var bucket = uploadsBucket();
        var head = aws.s3().headObject(request -> request.bucket(bucket).key(key));
        ObjectNode event;
        try {
            event = (ObjectNode) Json.tree(Files.readString(Path.of(S3_UPLOAD)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var record = (ObjectNode) event.get("Records").get(0);
        record.put("awsRegion", Emulators.REGION);
        record.put("eventTime", EVENT_TIME.format(Instant.now()));
        var s3 = (ObjectNode) record.get("s3");
        ((ObjectNode) s3.get("bucket")).put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
        var object = (ObjectNode) s3.get("object");
        object.put("key", S3Notifications.encodeKey(key));
        object.put("size", head.contentLength());
        // S3 quotes entity tags in HTTP headers, not in events.
        object.put("eTag", head.eTag().replace("\"", ""));
        if (head.versionId() != null && !head.versionId().equals("null")) {
            object.put("versionId", head.versionId());
        }
        object.put("sequencer", "%018X".formatted(SEQUENCER.incrementAndGet()));
        return Json.write(event);
    }

    /** An S3 event's JSON read with the Lambda runtime's own serializer. */
    public static S3Event s3Event(String json) {
        return S3Events.SERIALIZER.fromJson(json);
    }

    /** A sample event of {@code events/}, read with the Lambda runtime's serializers. */
    public static S3Event s3(String file) {
        return EventLoader.loadS3Event(file);
    }

    /** A sample SQS event of {@code events/}, read with the Lambda runtime's serializers. */
    public static SQSEvent sqs(String file) {
        return EventLoader.loadSQSEvent(file);
    }

    /** A context for the function, its remaining time counting down from the template's {@code Timeout}. */
    public TestContext context(String functionLogicalId) {
        var function = application.functions().get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("The template has no function " + functionLogicalId);
        }
        return TestContext.forFunction(function.functionName()).timeout(function.timeout());
    }

    /** The Lambda runtime's own S3 event serializer, built once (it takes a while). */
    private static final class S3Events {
        static final PojoSerializer<S3Event> SERIALIZER =
                LambdaEventSerializers.serializerFor(S3Event.class, VideoStack.class.getClassLoader());
    }
}
