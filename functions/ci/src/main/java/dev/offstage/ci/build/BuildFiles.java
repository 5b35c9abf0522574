package dev.offstage.ci.build;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A build's files in the artifacts bucket, under one prefix per build: {@code builds/<id>/log.txt}
 * and {@code builds/<id>/artifacts/<path in the repository>}.
 *
 * <p>Thread-safe. Needs {@code s3:PutObject} (runner) or {@code s3:GetObject} (pages, also what
 * the presigned links use) on {@code builds/*}. S3 failures propagate as the SDK's exceptions.
 */
public final class BuildFiles {

    private static final String LOG_TYPE = "text/plain; charset=utf-8";
    private static final Duration LINK_LIFETIME = Duration.ofHours(1);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public BuildFiles(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    public static String logKey(String buildId) {
        return "builds/" + buildId + "/log.txt";
    }

    public static String artifactKey(String buildId, String relativePath) {
        return "builds/" + buildId + "/artifacts/" + relativePath;
    }

    /** The artifact's path in the repository, from its key. */
    public static String artifactName(String buildId, String key) {
        var prefix = "builds/" + buildId + "/artifacts/";
        return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    }

    /** Uploads the build log; returns its key. */
    public String putLog(String buildId, Path log) {
        var key = logKey(buildId);
        s3.putObject(put -> put.bucket(bucket).key(key).contentType(LOG_TYPE), RequestBody.fromFile(log));
        return key;
    }

    /** Uploads one artifact; returns its key. */
    public String putArtifact(String buildId, String relativePath, Path file) {
        var key = artifactKey(buildId, relativePath);
        s3.putObject(put -> put.bucket(bucket).key(key).contentType("application/octet-stream"), RequestBody.fromFile(file));
        return key;
    }

    /**
     * The last {@code maxBytes} of a log, starting at a line boundary, or empty when it does not
     * exist (any more: the bucket's lifecycle rule expires logs).
     */
    public Optional<String> tail(String key, int maxBytes) {
        try {
            var size = s3.headObject(head -> head.bucket(bucket).key(key)).contentLength();
            if (size == null || size == 0) {
                return Optional.of("");
            }
            var bytes = s3.getObjectAsBytes(get -> get.bucket(bucket).key(key).range("bytes=-" + maxBytes)).asByteArray();
            var text = new String(bytes, StandardCharsets.UTF_8);
            if (size > bytes.length) {
                // Cut to the first whole line: the range may start inside a line or a character.
                var newline = text.indexOf('\n');
                text = newline < 0 ? text : text.substring(newline + 1);
            }
            return Optional.of(text);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // Without s3:ListBucket (the pages' role has none), S3 answers a missing key with 403.
            if (e.statusCode() == 404 || e.statusCode() == 403 || e.statusCode() == 416) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A link that downloads the object for an hour, without AWS credentials. */
    public URL link(String key) {
        return presigner.presignGetObject(presign -> presign.signatureDuration(LINK_LIFETIME)
                .getObjectRequest(get -> get.bucket(bucket).key(key))).url();
    }
}
