package dev.offstage.video.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One object created in the uploads bucket, as an S3 event names it.
 *
 * @param key       the object key, URL-decoded (S3 events encode it as a form value)
 * @param versionId the version, when the bucket keeps versions
 * @param sequencer S3's per-key ordering token: two events for the same write carry the same one
 * @param size      bytes, as the event gives it
 */
public record Upload(String bucket, String key, Optional<String> versionId, String sequencer, long size, String eTag) {

    /**
     * What makes two S3 events the same upload: bucket, key and the version (or, without
     * versioning, the sequencer). A duplicate event gives the same string; a new write of the
     * same key a new one.
     */
    public String eventKey() {
        return bucket + "/" + key + "@" + versionId.map(version -> "v:" + version).orElse("s:" + sequencer);
    }

    /**
     * The video's id, from {@link #eventKey()}: a readable slug of the file name and 12 hex digits
     * of its SHA-256, e.g. {@code holiday-clip-3f2a9c1b04de}. Stable for duplicates, new for a new
     * write of the same key; safe in S3 keys and URLs.
     */
    public String videoId() {
        var name = key.substring(key.lastIndexOf('/') + 1);
        var dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        var slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        var hash = HexFormat.of().formatHex(sha256(eventKey())).substring(0, 12);
        return slug.isEmpty() ? "video-" + hash : slug + "-" + hash;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
