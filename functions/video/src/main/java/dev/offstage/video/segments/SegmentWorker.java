package dev.offstage.video.segments;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.video.VideoConfig;
import dev.offstage.video.media.UnsupportedMediaException;
import dev.offstage.video.media.VideoEncoder;
import dev.offstage.video.notify.VideoCompletion;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.storage.WorkDirectory;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.store.VideoStore;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments queue's consumer: transcodes one piece of a long video into every rendition (video
 * only) and adds it to the fan-in. Idempotent per segment: a segment already done is not
 * transcoded again. The call that completes the fan-in queues the assembly; so does a
 * redelivery of a message that completed it (its first delivery may have died before sending),
 * and the assembler makes a repeated assembly message harmless.
 *
 * <p>A segment ffmpeg cannot encode ends the video FAILED (its message is consumed). Other errors
 * fail the message for a retry; the last receive records FAILED before the message moves to the
 * dead-letter queue. Segments of a video that is no longer PROCESSING are skipped.
 *
 * <p>Nothing is left under {@code work/}: a worker that ends a video FAILED, or finds that it ended
 * while this segment was being written (a duplicate delivery racing the assembler), or meets an
 * ended video on a redelivery (an earlier delivery may have written before dying), queues an
 * assembly message, and the assembler deletes an ended video's work files (this function may only
 * read and write them).
 */
public final class SegmentWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentWorker.class);

    private final VideoConfig config;
    private final VideoStore store;
    private final VideoFiles files;
    private final VideoEncoder encoder;
    private final VideoQueue assembly;
    private final VideoCompletion completion;
    private final BatchConfig batch;
    private final Path workRoot;
    private final Clock clock;

    public SegmentWorker(VideoConfig config, VideoStore store, VideoFiles files, VideoEncoder encoder, VideoQueue assembly,
                         VideoCompletion completion, BatchConfig batch, Path workRoot, Clock clock) {
        this.config = config;
        this.store = store;
        this.files = files;
        this.encoder = encoder;
        this.assembly = assembly;
        this.completion = completion;
        this.batch = batch;
        this.workRoot = workRoot;
        this.clock = clock;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> handle(message, context));
    }

    void handle(SQSMessage sqs, Context context) {
        var message = SegmentMessage.parse(sqs.getBody());
        var videoId = message.videoId();
        var record = store.get(videoId)
                .orElseThrow(() -> new IllegalArgumentException("Segment message for an unknown video " + videoId));
        var receives = Batch.receiveCountOf(sqs).orElse(1);
        if (record.status() != VideoStatus.PROCESSING) {
            LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("segment", message.index())
                    .log("Skipping segment {} of video {}: it is already {}", message.index(), videoId, record.status());
            if (receives > 1) {
                removeWorkFiles(message);
            }
            return;
        }
        try {
            if (record.segmentsDone().contains(message.index())) {
                LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("segment", message.index())
                        .log("Segment {} of video {} is already done", message.index(), videoId);
            } else {
                encode(message, context);
            }
            var progress = store.segmentDone(videoId, message.index());
            LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("segment", message.index())
                    .addKeyValue("done", progress.done()).addKeyValue("count", progress.count())
                    .log("Segment {} of video {} done ({} of {})", message.index(), videoId, progress.done(), progress.count());
            if (progress.status() != VideoStatus.PROCESSING) {
                // It ended while this segment was written: the assembler's cleanup may have run before the write.
                removeWorkFiles(message);
            } else if (progress.complete() && (progress.newlyDone() || receives > 1)) {
                assembly.send(new AssemblyMessage(videoId, message.renditions(), message.correlationId()), message.correlationId());
                LOG.atInfo().addKeyValue("video_id", videoId).log("Every segment of video {} is done: assembly queued", videoId);
            }
        } catch (UnsupportedMediaException e) {
            completion.failed(videoId, "segment " + (message.index() + 1) + " of " + message.count() + ": " + e.reason());
            removeWorkFiles(message);
        } catch (RuntimeException e) {
            if (receives >= config.maxReceives()) {
                completion.failedOnLastAttempt(videoId, "segment " + (message.index() + 1) + " of " + message.count()
                        + " failed " + receives + " times: " + VideoTranscoder.describe(e), e);
                try {
                    removeWorkFiles(message);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** Has the assembler delete the work files of the message's video, which has ended (see the class comment). */
    private void removeWorkFiles(SegmentMessage message) {
        assembly.send(new AssemblyMessage(message.videoId(), message.renditions(), message.correlationId()), message.correlationId());
        LOG.atInfo().addKeyValue("video_id", message.videoId())
                .log("Video {} has ended: its work files are left to the assembler to remove", message.videoId());
    }

    private void encode(SegmentMessage message, Context context) {
        var deadline = clock.instant().plus(Duration.ofMillis(context.getRemainingTimeInMillis())).minus(config.safetyMargin());
        try (var work = WorkDirectory.fresh(workRoot)) {
            var source = work.path().resolve("source.mkv");
            files.download(message.sourceKey(), source);
            var encoded = encoder.transcodeSegment(source, message.rotation(), message.renditions(), work.directory("encoded"), deadline);
            for (var file : encoded) {
                VideoTranscoder.requireTime(clock, deadline, "upload segment " + message.index());
                files.put(VideoFiles.encodedSegmentKey(message.videoId(), file.rendition().name(), message.index()), file.file(), "video/mp4");
            }
        }
    }
}
