package dev.offstage.video.storage;

import dev.offstage.video.media.Rendition;
import dev.offstage.video.store.Upload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The pipeline's S3 side: presigned reads of uploads (ffmpeg reads them over HTTP, nothing is
 * downloaded first), and the outputs bucket — renditions and poster under {@code videos/<id>/},
 * temporary segments under {@code work/<id>/} (removed after assembly; a lifecycle rule catches
 * leftovers). Never writes to the uploads bucket: no recursive trigger. Store failures propagate
 * as the SDK's exceptions.
 */
public final class VideoFiles {

    public static final String OUTPUTS_BUCKET_VARIABLE = "VIDEO_OUTPUTS_BUCKET";

    public VideoFiles(S3Client s3, S3Presigner presigner, String outputsBucket) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A presigned GET of the upload (its exact version when it has one), valid this long. */
    public String presignedGet(Upload upload, Duration validity) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A presigned GET of an object in the outputs bucket. */
    public String presignedOutput(String key, Duration validity) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Streams a file from disk to the outputs bucket (multipart above 64 MiB), with its content type. */
    public void put(String key, Path file, String contentType) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Downloads an object of the outputs bucket to a file (replacing it). */
    public void download(String key, Path target) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Every key under a prefix of the outputs bucket, in order. */
    public List<String> list(String prefix) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Deletes every object under a prefix of the outputs bucket (idempotent). */
    public void deletePrefix(String prefix) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** {@code videos/<id>/<rendition>.mp4}. */
    public static String renditionKey(String videoId, Rendition rendition) {
        return "videos/" + videoId + "/" + rendition.fileName();
    }

    /** {@code videos/<id>/poster.jpg}. */
    public static String posterKey(String videoId) {
        return "videos/" + videoId + "/poster.jpg";
    }

    /** {@code work/<id>/}: everything temporary of one video. */
    public static String workPrefix(String videoId) {
        return "work/" + videoId + "/";
    }

    /** {@code work/<id>/source/00003.mkv}: a piece of the upload, cut at keyframes. */
    public static String sourceSegmentKey(String videoId, int index) {
        return workPrefix(videoId) + "source/" + "%05d".formatted(index) + ".mkv";
    }

    /** {@code work/<id>/encoded/720p/00003.mp4}: one segment of one rendition, video only. */
    public static String encodedSegmentKey(String videoId, String renditionName, int index) {
        return workPrefix(videoId) + "encoded/" + renditionName + "/" + "%05d".formatted(index) + ".mp4";
    }
}
