package dev.offstage.video.storage;

import dev.offstage.video.media.Rendition;
import dev.offstage.video.store.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The pipeline's S3 side: presigned reads of uploads (ffmpeg reads them over HTTP, nothing is
 * downloaded first), and the outputs bucket — renditions and poster under {@code videos/<id>/},
 * temporary segments under {@code work/<id>/} (removed after assembly; a lifecycle rule catches
 * leftovers). Never writes to the uploads bucket: no recursive trigger. Store failures propagate
 * as the SDK's exceptions.
 *
 * <p>Thread-safe. Needs, on the outputs bucket: {@code s3:PutObject} to {@link #put},
 * {@code s3:GetObject} to {@link #download} and for {@link #presignedOutput} links,
 * {@code s3:ListBucket} for {@link #list} and {@link #deletePrefix}, which also needs
 * {@code s3:DeleteObject}; {@code s3:GetObject} on the uploads bucket for {@link #presignedGet}
 * links (a presigned URL carries the signer's permissions, nothing more).
 */
public final class VideoFiles {

    public static final String OUTPUTS_BUCKET_VARIABLE = "VIDEO_OUTPUTS_BUCKET";

    /** Files above this size are uploaded in parts: one failed request then costs a part, not the file. */
    static final long MULTIPART_THRESHOLD = 64L * 1024 * 1024;
    /** 16 MiB parts: S3's 10,000 parts reach 160 GiB, far beyond what /tmp (10 GiB) holds. */
    static final long PART_SIZE = 16L * 1024 * 1024;
    /** S3 lists and deletes at most 1,000 keys per request. */
    static final int PAGE_SIZE = 1000;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String outputsBucket;
    private final long multipartThreshold;
    private final long partSize;
    private final int pageSize;

    public VideoFiles(S3Client s3, S3Presigner presigner, String outputsBucket) {
        this(s3, presigner, outputsBucket, MULTIPART_THRESHOLD, PART_SIZE, PAGE_SIZE);
    }

    /**
     * @param multipartThreshold files larger than this are uploaded in parts
     * @param partSize the size of every part but the last (S3 wants at least 5 MiB)
     * @param pageSize keys per list and delete request, at most 1,000
     */
    VideoFiles(S3Client s3, S3Presigner presigner, String outputsBucket, long multipartThreshold, long partSize, int pageSize) {
        if (partSize <= 0 || multipartThreshold < 0 || pageSize < 1 || pageSize > PAGE_SIZE) {
            throw new IllegalArgumentException("bad sizes: threshold " + multipartThreshold + ", part " + partSize
                    + ", page " + pageSize);
        }
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.outputsBucket = Objects.requireNonNull(outputsBucket, "outputsBucket");
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.pageSize = pageSize;
    }

    /** The outputs bucket's name. */
    public String outputsBucket() {
        return outputsBucket;
    }

    /** A presigned GET of the upload (its exact version when it has one), valid this long. */
    public String presignedGet(Upload upload, Duration validity) {
        return presigner.presignGetObject(presign -> presign.signatureDuration(validity)
                .getObjectRequest(get -> {
                    get.bucket(upload.bucket()).key(upload.key());
                    upload.versionId().ifPresent(get::versionId);
                })).url().toString();
    }

    /**
     * The upload's entity tag as the bucket holds it now (of its version, when it has one), without
     * quotes; empty when it is gone. Needs {@code s3:GetObject} on the upload.
     */
    public Optional<String> currentETag(Upload upload) {
        try {
            var head = s3.headObject(request -> {
                request.bucket(upload.bucket()).key(upload.key());
                upload.versionId().ifPresent(request::versionId);
            });
            return Optional.ofNullable(head.eTag()).map(tag -> tag.replace("\"", ""));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A presigned GET of an object in the outputs bucket. */
    public String presignedOutput(String key, Duration validity) {
        return presigner.presignGetObject(presign -> presign.signatureDuration(validity)
                .getObjectRequest(get -> get.bucket(outputsBucket).key(key))).url().toString();
    }

    /**
     * Streams a file from disk to the outputs bucket (multipart above 64 MiB), with its content
     * type, replacing what the key held. A multipart upload that fails is aborted, so its parts
     * are not kept (and billed); the failure propagates.
     */
    public void put(String key, Path file, String contentType) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (size <= multipartThreshold) {
            s3.putObject(put -> put.bucket(outputsBucket).key(key).contentType(contentType), RequestBody.fromFile(file));
        } else {
            putInParts(key, file, size, contentType);
        }
    }

    private void putInParts(String key, Path file, long size, String contentType) {
        // CRC32 named at creation, as the SDK computes it for every part by default: S3 then
        // checks each part and the parts' checksums listed at completion.
        var uploadId = s3.createMultipartUpload(create -> create.bucket(outputsBucket).key(key).contentType(contentType)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        try {
            var parts = new ArrayList<CompletedPart>();
            for (long offset = 0; offset < size; offset += partSize) {
                var partNumber = parts.size() + 1;
                var start = offset;
                var length = Math.min(partSize, size - offset);
                var uploaded = s3.uploadPart(part -> part.bucket(outputsBucket).key(key).uploadId(uploadId)
                                .partNumber(partNumber).contentLength(length).checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromContentProvider(() -> slice(file, start, length), length, "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag())
                        .checksumCRC32(uploaded.checksumCRC32()).build());
            }
            s3.completeMultipartUpload(complete -> complete.bucket(outputsBucket).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (RuntimeException | Error failure) {
            try {
                s3.abortMultipartUpload(abort -> abort.bucket(outputsBucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abortFailure) {
                failure.addSuppressed(abortFailure);
            }
            throw failure;
        }
    }

    /** {@code length} bytes of the file from {@code offset}; opened anew for each attempt of a part. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            var channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Downloads an object of the outputs bucket to a file (replacing it), creating its folder.
     * Streams: the object is never held in memory.
     */
    public void download(String key, Path target) {
        try {
            var folder = target.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            try (var object = s3.getObject(get -> get.bucket(outputsBucket).key(key))) {
                Files.copy(object, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download s3://" + outputsBucket + "/" + key + " to " + target, e);
        }
    }

    /** Every key under a prefix of the outputs bucket, in order. */
    public List<String> list(String prefix) {
        return s3.listObjectsV2Paginator(list -> list.bucket(outputsBucket).prefix(prefix).maxKeys(pageSize))
                .contents().stream().map(S3Object::key).toList();
    }

    /**
     * Deletes every object under a prefix of the outputs bucket (idempotent), a page of keys per
     * {@code DeleteObjects} request.
     *
     * @throws IllegalArgumentException for an empty prefix: that would be the whole bucket
     * @throws IllegalStateException when S3 refuses to delete some of the keys (it answers 200 and lists them)
     */
    public void deletePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("deletePrefix needs a prefix; an empty one is the whole bucket");
        }
        // Listing goes on from the last key listed, so deleting a page does not disturb the next.
        for (var page : s3.listObjectsV2Paginator(list -> list.bucket(outputsBucket).prefix(prefix).maxKeys(pageSize))) {
            if (page.contents().isEmpty()) {
                continue;
            }
            var keys = page.contents().stream().map(object -> ObjectIdentifier.builder().key(object.key()).build()).toList();
            var response = s3.deleteObjects(delete -> delete.bucket(outputsBucket).delete(batch -> batch.objects(keys).quiet(true)));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                var first = response.errors().getFirst();
                throw new IllegalStateException("S3 did not delete " + response.errors().size() + " objects under s3://"
                        + outputsBucket + "/" + prefix + ", e.g. " + first.key() + ": " + first.code() + " " + first.message());
            }
        }
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

    /** {@code work/<id>/audio.m4a}: a segmented video's audio, encoded once while it is split. */
    public static String audioKey(String videoId) {
        return workPrefix(videoId) + "audio.m4a";
    }

    /** {@code work/<id>/source/00003.mkv}: a piece of the upload, cut at keyframes. */
    public static String sourceSegmentKey(String videoId, int index) {
        return workPrefix(videoId) + "source/" + "%05d".formatted(index) + ".mkv";
    }

    /** {@code work/<id>/encoded/720p/00003.mp4}: one segment of one rendition, video only. */
    public static String encodedSegmentKey(String videoId, String renditionName, int index) {
        return workPrefix(videoId) + "encoded/" + renditionName + "/" + "%05d".formatted(index) + ".mp4";
    }

    /** At most {@code remaining} bytes of a stream, which it closes. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            var value = in.read();
            if (value >= 0) {
                remaining--;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            var read = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
