package dev.offstage.video.transcode;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.video.VideoConfig;
import dev.offstage.video.media.EncodedFile;
import dev.offstage.video.media.MediaDeadlineException;
import dev.offstage.video.media.MediaInfo;
import dev.offstage.video.media.Rendition;
import dev.offstage.video.media.UnsupportedMediaException;
import dev.offstage.video.media.VideoEncoder;
import dev.offstage.video.notify.VideoCompletion;
import dev.offstage.video.segments.SegmentMessage;
import dev.offstage.video.segments.VideoQueue;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.storage.WorkDirectory;
import dev.offstage.video.store.Claim;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.Upload;
import dev.offstage.video.store.VideoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads bucket's consumer: one S3 event in, a video READY (renditions + poster in the
 * outputs bucket) or FAILED (with a reason) out — or, for a long video, split into segments for
 * the segment workers.
 *
 * <ul>
 *   <li>A duplicate event (same bucket, key and version or sequencer) changes nothing
 *       ({@link VideoStore#claim}).</li>
 *   <li>What retrying cannot fix — empty, too large, not a video, corrupt, too long — ends FAILED
 *       at once and returns normally: Lambda does not retry it, the upload stays where it is.</li>
 *   <li>Anything else (S3, DynamoDB, SQS, ffmpeg reading over HTTP, the deadline) propagates, so
 *       Lambda's asynchronous retries run it again and finally hand the event to the on-failure
 *       destination; the last attempt records FAILED first, so no video stays PROCESSING.</li>
 * </ul>
 *
 * <p>The upload is never downloaded: ffprobe and ffmpeg read it through a presigned URL. Outputs
 * are written under /tmp, streamed to S3 and deleted.
 */
public final class VideoTranscoder {

    private static final Logger LOG = LoggerFactory.getLogger(VideoTranscoder.class);
    /** How long a presigned URL outlives the invocation's deadline (ffmpeg may still be reading when it is killed). */
    private static final Duration URL_SLACK = Duration.ofMinutes(5);

    private final VideoConfig config;
    private final VideoStore store;
    private final VideoFiles files;
    private final VideoEncoder encoder;
    private final VideoQueue segments;
    private final VideoCompletion completion;
    private final Path workRoot;
    private final Clock clock;

    public VideoTranscoder(VideoConfig config, VideoStore store, VideoFiles files, VideoEncoder encoder, VideoQueue segments,
                           VideoCompletion completion, Path workRoot, Clock clock) {
        this.config = config;
        this.store = store;
        this.files = files;
        this.encoder = encoder;
        this.segments = segments;
        this.completion = completion;
        this.workRoot = workRoot;
        this.clock = clock;
    }

    /**
     * Handles every record of the event in turn.
     *
     * @throws IllegalArgumentException when the event is not an S3 object-created notification
     *                                  (it goes, after Lambda's retries, to the on-failure destination)
     */
    public void process(S3Event event, Context context) {
        if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            throw new IllegalArgumentException("Not an S3 event: it has no Records");
        }
        for (var record : event.getRecords()) {
            transcode(upload(record), context);
        }
    }

    /** One upload: claim, then READY, FAILED or split; retryable errors propagate. */
    public void transcode(Upload upload, Context context) {
        var videoId = upload.videoId();
        LambdaLogging.correlationId(videoId);
        var claim = store.claim(upload, context.getAwsRequestId(), videoId);
        if (claim instanceof Claim.Duplicate duplicate) {
            LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("status", duplicate.record().status())
                    .addKeyValue("upload", upload.eventKey())
                    .log("Duplicate S3 event for {}: video {} is already {}", upload.key(), videoId, duplicate.record().status());
            completion.announceIfPending(duplicate.record());
            return;
        }
        var attempts = claim.record().attempts();
        LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("upload", upload.eventKey()).addKeyValue("size", upload.size())
                .addKeyValue("attempt", attempts).log("Transcoding s3://{}/{} as video {}", upload.bucket(), upload.key(), videoId);
        try {
            run(videoId, upload, context);
        } catch (UnsupportedMediaException e) {
            completion.failed(videoId, e.reason());
        } catch (RuntimeException e) {
            if (attempts >= config.asyncAttempts()) {
                completion.failedOnLastAttempt(videoId, "could not be processed in " + attempts + " attempts: " + describe(e), e);
            }
            throw e;
        }
    }

    private void run(String videoId, Upload upload, Context context) {
        if (upload.size() == 0) {
            throw new UnsupportedMediaException("the upload is empty (0 bytes)");
        }
        if (upload.size() > config.maxUploadBytes()) {
            throw new UnsupportedMediaException("the upload is " + upload.size() + " bytes, over the limit of "
                    + config.maxUploadBytes() + " (VideoMaxUploadBytes)");
        }
        var remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
        var deadline = clock.instant().plus(remaining).minus(config.safetyMargin());
        checkStillThere(upload);
        var source = files.presignedGet(upload, remaining.plus(URL_SLACK));
        var info = encoder.probe(source, deadline);
        store.recordMetadata(videoId, info);
        if (info.durationSeconds() > config.maxDuration().toSeconds()) {
            throw new UnsupportedMediaException("the video is %.1f s long, over the limit of %d s (VideoMaxDurationSeconds)"
                    .formatted(info.durationSeconds(), config.maxDuration().toSeconds()));
        }
        var video = info.video().orElseThrow(() -> new UnsupportedMediaException("not a video: it has no video stream"));
        var renditions = config.ladder().plan(video);
        try (var work = WorkDirectory.fresh(workRoot)) {
            var poster = encoder.poster(source, info, renditions.getFirst(), work.path().resolve("poster.jpg"), deadline);
            put(VideoFiles.posterKey(videoId), poster, "image/jpeg", deadline);
            if (config.segmented(info.durationSeconds())) {
                split(videoId, source, info, renditions, work, deadline);
            } else {
                var encoded = encoder.transcode(source, info, renditions, work.directory("renditions"), deadline);
                var stored = new ArrayList<StoredRendition>();
                for (var file : encoded) {
                    stored.add(storedRendition(VideoFiles.renditionKey(videoId, file.rendition()), file));
                    put(VideoFiles.renditionKey(videoId, file.rendition()), file.file(), "video/mp4", deadline);
                    WorkDirectory.delete(file.file());
                }
                completion.ready(videoId, stored, VideoFiles.posterKey(videoId));
            }
        }
    }

    /**
     * Cuts the video at keyframes, puts the pieces (and the audio, encoded once, here: the upload is
     * read only while it is known to be the one the event named) in the outputs bucket and queues
     * one message per piece.
     */
    private void split(String videoId, String source, MediaInfo info, List<Rendition> renditions, WorkDirectory work, Instant deadline) {
        var video = info.video().orElseThrow();
        if (info.hasAudio()) {
            var audio = encoder.encodeAudio(source, info, renditions.getFirst().audioKbps(), work.path().resolve("audio.m4a"), deadline);
            put(VideoFiles.audioKey(videoId), audio, "audio/mp4", deadline);
            WorkDirectory.delete(audio);
        }
        var pieces = encoder.split(source, info, config.segmentLength(), work.directory("segments"), deadline);
        for (var index = 0; index < pieces.size(); index++) {
            put(VideoFiles.sourceSegmentKey(videoId, index), pieces.get(index), "video/x-matroska", deadline);
            WorkDirectory.delete(pieces.get(index));
        }
        store.planSegments(videoId, pieces.size());
        var count = pieces.size();
        segments.sendAll(IntStream.range(0, count)
                .mapToObj(index -> new SegmentMessage(videoId, index, count, VideoFiles.sourceSegmentKey(videoId, index),
                        video.rotation(), renditions, videoId))
                .toList(), videoId);
        LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("segments", count)
                .log("Video {} split into {} segments for the segment workers", videoId, count);
    }

    /**
     * Streams a file to the outputs bucket — unless the deadline passed: then there is no time to
     * be sure of finishing, and failing now (retryable) leaves the rest of the safety margin to
     * record the attempt.
     */
    private void put(String key, Path file, String contentType, Instant deadline) {
        requireTime(clock, deadline, "upload " + key);
        files.put(key, file, contentType);
    }

    /**
     * Fails (retryably) when the deadline has passed: what was about to start could not finish
     * before Lambda ends the invocation.
     */
    public static void requireTime(Clock clock, Instant deadline, String what) {
        if (!clock.instant().isBefore(deadline)) {
            throw new MediaDeadlineException("no time left to " + what + " before the invocation's deadline");
        }
    }

    /**
     * The object must still be the one the event announced: a newer write of the key is its own
     * event and video, and reading it here would give this video the other one's content.
     */
    private void checkStillThere(Upload upload) {
        var current = files.currentETag(upload);
        if (current.isEmpty()) {
            throw new UnsupportedMediaException("the upload was deleted before it was processed");
        }
        if (upload.eTag() != null && !upload.eTag().isBlank() && !current.get().equals(upload.eTag())) {
            throw new UnsupportedMediaException("the upload was replaced before it was processed (the newer upload is "
                    + "processed as a video of its own)");
        }
    }

    /** What is recorded of a rendition: what ffprobe measured of the file. */
    public static StoredRendition storedRendition(String key, EncodedFile encoded) {
        var info = encoded.info();
        var video = info.video().orElseThrow(() -> new IllegalStateException("ffmpeg wrote " + encoded.file() + " without video"));
        long size;
        try {
            size = Files.size(encoded.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StoredRendition(encoded.rendition().name(), key, video.displayWidth(), video.displayHeight(),
                info.durationSeconds(), size, video.codec(), info.audio().map(MediaInfo.Audio::codec).orElse(null));
    }

    /** A failure in words, for the FAILED reason. */
    public static String describe(RuntimeException e) {
        var message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        return message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }

    /**
     * The upload an S3 event record names: the key URL-decoded (S3 writes it form-encoded), an
     * empty version id (what the Lambda runtime's serializer gives for none) as none.
     *
     * @throws IllegalArgumentException when the record is not an object-created notification
     */
    public static Upload upload(S3EventNotificationRecord record) {
        var s3 = record == null ? null : record.getS3();
        if (s3 == null || s3.getBucket() == null || s3.getObject() == null || s3.getBucket().getName() == null
                || s3.getObject().getKey() == null) {
            throw new IllegalArgumentException("Not an S3 object notification: the record names no bucket and key");
        }
        if (record.getEventName() != null && !record.getEventName().startsWith("ObjectCreated:")) {
            throw new IllegalArgumentException("Not an object-created event: " + record.getEventName());
        }
        var object = s3.getObject();
        var size = object.getSizeAsLong();
        return new Upload(s3.getBucket().getName(), object.getUrlDecodedKey(), Optional.ofNullable(object.getVersionId()).filter(v -> !v.isBlank()),
                Optional.ofNullable(object.getSequencer()).orElse(""), size == null ? -1 : size, object.geteTag());
    }
}
