package dev.offstage.video.segments;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.video.VideoConfig;
import dev.offstage.video.media.MediaInfo;
import dev.offstage.video.media.UnsupportedMediaException;
import dev.offstage.video.media.VideoEncoder;
import dev.offstage.video.notify.VideoCompletion;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.storage.WorkDirectory;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.store.VideoStore;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembly queue's consumer: stitches a segmented video. Takes the video's assembly lease
 * (one assembler at a time), concatenates each rendition's segments with the audio the
 * transcoder encoded when it split the video, uploads the renditions, ends the video READY and
 * deletes its {@code work/} prefix. It never reads the upload: a newer write of the same key
 * cannot leak into this video.
 *
 * <p>A message for a video that already ended (a repeated message, or one a segment worker sends
 * after writing for a video that ended meanwhile) makes sure its notice went out and its
 * {@code work/} prefix is gone. A message for a video another invocation holds the lease of
 * fails, to be retried: should that invocation have died, its lease runs out before the queue's
 * visibility timeout (six times the function's timeout) brings the message back. The last receive
 * that still finds the lease taken ends the video FAILED, as every other last receive does.
 */
public final class Assembler {

    private static final Logger LOG = LoggerFactory.getLogger(Assembler.class);

    private final VideoConfig config;
    private final VideoStore store;
    private final VideoFiles files;
    private final VideoEncoder encoder;
    private final VideoCompletion completion;
    private final BatchConfig batch;
    private final Path workRoot;
    private final Clock clock;

    public Assembler(VideoConfig config, VideoStore store, VideoFiles files, VideoEncoder encoder, VideoCompletion completion,
                     BatchConfig batch, Path workRoot, Clock clock) {
        this.config = config;
        this.store = store;
        this.files = files;
        this.encoder = encoder;
        this.completion = completion;
        this.batch = batch;
        this.workRoot = workRoot;
        this.clock = clock;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> handle(message, context));
    }

    void handle(SQSMessage sqs, Context context) {
        var message = AssemblyMessage.parse(sqs.getBody());
        var videoId = message.videoId();
        var record = store.get(videoId)
                .orElseThrow(() -> new IllegalArgumentException("Assembly message for an unknown video " + videoId));
        if (record.status() != VideoStatus.PROCESSING) {
            LOG.atInfo().addKeyValue("video_id", videoId)
                    .log("Video {} is already {}: nothing to assemble; its work files are removed", videoId, record.status());
            completion.announceIfPending(record);
            files.deletePrefix(VideoFiles.workPrefix(videoId));
            return;
        }
        if (record.segmentCount() == 0 || record.segmentsDone().size() < record.segmentCount()) {
            throw new IllegalStateException("Video " + videoId + " has " + record.segmentsDone().size() + " of "
                    + record.segmentCount() + " segments done: not ready to assemble");
        }
        var remaining = Duration.ofMillis(context.getRemainingTimeInMillis());
        var receives = Batch.receiveCountOf(sqs).orElse(1);
        if (!store.claimAssembly(videoId, context.getAwsRequestId(), remaining)) {
            // Not done yet: consuming this message would leave the video to an invocation that may have died.
            var busy = new IllegalStateException("Video " + videoId + " is being assembled by another invocation; retried later");
            if (receives >= config.maxReceives()) {
                // Every receive found the lease taken: its holder died long ago, or is about to lose the race to end the video.
                completion.failedOnLastAttempt(videoId, "assembly failed " + receives + " times: " + VideoTranscoder.describe(busy), busy);
                try {
                    files.deletePrefix(VideoFiles.workPrefix(videoId));
                } catch (RuntimeException cleanup) {
                    busy.addSuppressed(cleanup);
                }
            }
            throw busy;
        }
        var deadline = clock.instant().plus(remaining).minus(config.safetyMargin());
        try (var work = WorkDirectory.fresh(workRoot)) {
            // The audio was encoded once when the video was split, from the upload the event named.
            var source = record.metadata().orElseThrow(() -> new IllegalStateException("Video " + videoId + " has no metadata"));
            Optional<Path> audio = Optional.empty();
            if (source.hasAudio()) {
                var file = work.path().resolve("audio.m4a");
                files.download(VideoFiles.audioKey(videoId), file);
                audio = Optional.of(file);
            }
            var stored = new ArrayList<StoredRendition>();
            for (var rendition : message.renditions()) {
                var directory = work.directory(rendition.name());
                var pieces = new ArrayList<Path>();
                for (var index = 0; index < record.segmentCount(); index++) {
                    VideoTranscoder.requireTime(clock, deadline, "download the segments of " + rendition.name());
                    var piece = directory.resolve("%05d.mp4".formatted(index));
                    files.download(VideoFiles.encodedSegmentKey(videoId, rendition.name(), index), piece);
                    pieces.add(piece);
                }
                // The source's own gap between picture and sound, which the cut segments lost, is put back here.
                var stitched = encoder.concat(pieces, audio, source, rendition, work.path().resolve(rendition.fileName()), deadline);
                var key = VideoFiles.renditionKey(videoId, rendition);
                stored.add(VideoTranscoder.storedRendition(key, stitched));
                VideoTranscoder.requireTime(clock, deadline, "upload " + key);
                files.put(key, stitched.file(), "video/mp4");
                WorkDirectory.delete(stitched.file());
                WorkDirectory.delete(directory);
            }
            completion.ready(videoId, stored, VideoFiles.posterKey(videoId));
            files.deletePrefix(VideoFiles.workPrefix(videoId));
        } catch (UnsupportedMediaException e) {
            completion.failed(videoId, "stitching the segments failed: " + e.reason());
            files.deletePrefix(VideoFiles.workPrefix(videoId));
        } catch (RuntimeException e) {
            if (receives >= config.maxReceives()) {
                completion.failedOnLastAttempt(videoId, "assembly failed " + receives + " times: " + VideoTranscoder.describe(e), e);
            }
            throw e;
        }
    }
}
