package dev.offstage.video.failures;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.video.notify.VideoCompletion;
import dev.offstage.video.segments.AssemblyMessage;
import dev.offstage.video.segments.SegmentMessage;
import dev.offstage.video.store.Claim;
import dev.offstage.video.store.Upload;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.store.VideoStore;
import dev.offstage.video.transcode.VideoTranscoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failures queue's consumer: where the pipeline's work goes when every retry failed — the
 * transcoder's asynchronous invocations (its on-failure destination: Lambda's invocation record,
 * the S3 event in {@code requestPayload}) and the segment and assembly messages (the redrive
 * target of both queues). Whatever killed them — a Lambda timeout, receives spent by throttling,
 * an event too old to run — the video they were for ends FAILED with a reason and its notice
 * goes out: no video stays PROCESSING because its last attempt could not record its own end.
 *
 * <p>A video that already ended is left as it is. An upload that never got a record (its claim
 * itself failed) gets one, FAILED. A message of no known shape is logged at ERROR and dropped:
 * there is nothing to record it against. Store and queue failures propagate: the message is
 * retried and finally lands in the failures queue's own dead-letter queue.
 */
public final class FailureRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(FailureRecorder.class);

    private final VideoStore store;
    private final VideoCompletion completion;
    private final BatchConfig batch;

    public FailureRecorder(VideoStore store, VideoCompletion completion, BatchConfig batch) {
        this.store = store;
        this.completion = completion;
        this.batch = batch;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, this::handle);
    }

    void handle(SQSMessage message) {
        var failures = failures(message);
        if (failures.isEmpty()) {
            LOG.atError().addKeyValue("sqs_message_id", message.getMessageId())
                    .log("Dropped a message of the failures queue that names no video: {}", abbreviate(message.getBody()));
            return;
        }
        for (var failure : failures) {
            record(failure, message.getMessageId());
        }
    }

    private void record(Failure failure, String messageId) {
        LambdaLogging.correlationId(failure.videoId());
        var existing = store.get(failure.videoId());
        if (existing.isEmpty() && failure.upload().isPresent()) {
            // The transcoder never got as far as claiming the upload: make its record, to end it.
            var claim = store.claim(failure.upload().get(), "failures:" + messageId, failure.videoId());
            existing = Optional.of(claim.record());
            if (claim instanceof Claim.Duplicate && claim.record().status() != VideoStatus.PROCESSING) {
                completion.announceIfPending(claim.record());
                return;
            }
        }
        if (existing.isEmpty()) {
            LOG.atError().addKeyValue("video_id", failure.videoId())
                    .log("Gave up on unknown video {}: {}", failure.videoId(), failure.reason());
            return;
        }
        if (existing.get().status() != VideoStatus.PROCESSING) {
            completion.announceIfPending(existing.get());
            return;
        }
        completion.failed(failure.videoId(), failure.reason());
    }

    /** What a failed message was for, and why it failed, in words. */
    record Failure(String videoId, Optional<Upload> upload, String reason) {
    }

    static List<Failure> failures(SQSMessage message) {
        JsonNode body;
        try {
            body = Json.tree(message.getBody() == null ? "" : message.getBody());
        } catch (InvalidJsonException e) {
            return List.of();
        }
        if (body == null || !body.isObject()) {
            return List.of();
        }
        if (body.has("requestContext") && body.has("requestPayload")) {
            return invocationRecord(body);
        }
        try {
            if (body.has("sourceKey")) {
                var segment = SegmentMessage.parse(message.getBody());
                return List.of(new Failure(segment.videoId(), Optional.empty(), "segment " + (segment.index() + 1) + " of "
                        + segment.count() + " could not be transcoded: every delivery failed"));
            }
            var assembly = AssemblyMessage.parse(message.getBody());
            return List.of(new Failure(assembly.videoId(), Optional.empty(), "the segments could not be stitched: every delivery failed"));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** Lambda's record of an asynchronous invocation that failed every attempt (or got too old to run). */
    private static List<Failure> invocationRecord(JsonNode record) {
        var context = record.path("requestContext");
        var attempts = context.path("approximateInvokeCount").asInt(0);
        var condition = context.path("condition").asText("");
        var error = record.path("responsePayload").path("errorMessage").asText("");
        var reason = switch (condition) {
            case "EventAgeExceeded" -> "could not be processed: the event got too old while waiting to run";
            default -> "could not be processed in " + (attempts > 0 ? attempts + " attempts" : "its attempts")
                    + (error.isBlank() ? "" : ": " + error);
        };
        var records = record.path("requestPayload").path("Records");
        var failures = new ArrayList<Failure>();
        for (var s3 : records) {
            upload(s3).ifPresent(upload -> failures.add(new Failure(upload.videoId(), Optional.of(upload), reason)));
        }
        return failures;
    }

    /** The upload an S3 event record (as JSON) names, read as {@link VideoTranscoder#upload} reads it. */
    static Optional<Upload> upload(JsonNode record) {
        var bucket = record.path("s3").path("bucket").path("name");
        var object = record.path("s3").path("object");
        if (!bucket.isTextual() || !object.path("key").isTextual()) {
            return Optional.empty();
        }
        String key;
        try {
            key = URLDecoder.decode(object.path("key").asText(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Not a key S3 encoded ("%zz"): no upload to record against; throwing would retry the message forever.
            return Optional.empty();
        }
        var version = Optional.of(object.path("versionId").asText("")).filter(text -> !text.isBlank());
        return Optional.of(new Upload(bucket.asText(), key, version, object.path("sequencer").asText(""),
                object.path("size").asLong(-1), object.path("eTag").asText(null)));
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
