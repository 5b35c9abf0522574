package dev.offstage.testing;

import dev.offstage.testing.S3ObjectChange.Operation;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3Proxy's blob store, telling an {@link S3ObjectListener} about every object created or removed
 * through it. S3Proxy routes every S3 API write through these methods (multi-object delete
 * included, through {@link BlobStore#removeBlobs}'s default), so decorating them sees them all.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyingBlobStore.class);

    /** S3Proxy's placeholder for an open multipart upload on some backends: not a user object. */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";
    /** S3Proxy's handler method for browser-form uploads (POST to the bucket); see {@link #putOperation()}. */
    private static final String POST_HANDLER_METHOD = "finishPostBlob";

    private final S3ObjectListener listener;

    NotifyingBlobStore(BlobStore delegate, S3ObjectListener listener) {
        super(delegate);
        this.listener = listener;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        var response = super.putBlob(request, input);
        if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
            created(putOperation(), request.bucket(), request.key(), response.versionId());
        }
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        var response = super.copyBlob(request);
        created(Operation.COPY, request.destinationBucket(), request.destinationKey(), response.versionId());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        var response = super.completeMultipartUpload(upload, request);
        created(Operation.COMPLETE_MULTIPART_UPLOAD, upload.containerName(), upload.blobName(), response.versionId());
        return response;
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        var response = super.removeBlob(request);
        if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
            var operation = Boolean.TRUE.equals(response.deleteMarker()) && request.versionId() == null
                    ? Operation.DELETE_MARKER_CREATED
                    : Operation.DELETE;
            var versionId = operation == Operation.DELETE_MARKER_CREATED ? response.versionId() : request.versionId();
            notify(new S3ObjectChange(operation, request.bucket(), request.key(), 0, "",
                    realVersion(versionId), Instant.now()));
        }
        return response;
    }

    /**
     * PutObject and browser-form POST both end in {@code putBlob}; S3 names their events apart, and
     * only the calling handler knows which one this is.
     */
    private static Operation putOperation() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                frame -> frame.getMethodName().equals(POST_HANDLER_METHOD))) ? Operation.POST : Operation.PUT;
    }

    private void created(Operation operation, String bucket, String key, String versionId) {
        try {
            // The write responses do not all carry size and entity tag: read them back, from the
            // version just written when the bucket keeps versions.
            var head = HeadObjectRequest.builder().bucket(bucket).key(key);
            realVersion(versionId).ifPresent(head::versionId);
            HeadObjectResponse metadata = delegate().blobMetadata(head.build());
            notify(new S3ObjectChange(operation, bucket, key, metadata.contentLength(), unquoted(metadata.eTag()),
                    realVersion(versionId), Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("Could not read back s3://{}/{} to announce its creation: {}", bucket, key, e.toString());
        }
    }

    private void notify(S3ObjectChange change) {
        try {
            listener.changed(change);
        } catch (RuntimeException e) {
            // The object is stored: a listener's failure must not turn the S3 request into an error.
            LOG.error("S3 object listener failed on {} s3://{}/{}", change.operation(), change.bucket(), change.key(), e);
        }
    }

    /** Unversioned buckets report no version, or the literal {@code null} version. */
    private static Optional<String> realVersion(String versionId) {
        return versionId == null || versionId.isEmpty() || versionId.equals("null") ? Optional.empty() : Optional.of(versionId);
    }

    private static String unquoted(String eTag) {
        if (eTag == null) {
            return "";
        }
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
