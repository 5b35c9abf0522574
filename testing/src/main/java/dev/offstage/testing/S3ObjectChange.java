package dev.offstage.testing;

import java.time.Instant;
import java.util.Optional;

/**
 * One successful change to an object of the local S3 emulator.
 *
 * @param operation what created or removed the object
 * @param key the object key, as stored (not URL-encoded)
 * @param size the object's size in bytes; 0 for removals
 * @param eTag the object's entity tag without quotes (multipart ones end in {@code -<parts>}); empty for removals
 * @param versionId the version the change created, when the bucket has versioning enabled
 * @param time when the change was stored
 */
public record S3ObjectChange(Operation operation, String bucket, String key, long size, String eTag,
        Optional<String> versionId, Instant time) {

    /** The S3 API operation behind the change, named as S3 names its event types. */
    public enum Operation {
        /** PutObject, including a presigned PUT ({@code ObjectCreated:Put}). */
        PUT,
        /** A browser-form upload, {@code POST} to the bucket ({@code ObjectCreated:Post}). */
        POST,
        /** CopyObject ({@code ObjectCreated:Copy}). */
        COPY,
        /** CompleteMultipartUpload ({@code ObjectCreated:CompleteMultipartUpload}). */
        COMPLETE_MULTIPART_UPLOAD,
        /** DeleteObject(s) that removed an object or version ({@code ObjectRemoved:Delete}). */
        DELETE,
        /** DeleteObject(s) on a versioned bucket that added a delete marker ({@code ObjectRemoved:DeleteMarkerCreated}). */
        DELETE_MARKER_CREATED
    }
}
