package dev.offstage.local.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Names for resources the template does not name, the way CloudFormation makes them —
 * {@code <stack>-<LogicalId>-<SUFFIX>} — but with a suffix derived from stack and logical id,
 * so that a restart finds the same names. Each kind is kept within its service's limits.
 */
final class PhysicalNames {

    private static final int SUFFIX_LENGTH = 8;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private PhysicalNames() {}

    /** DynamoDB: at most 255 characters. */
    static String table(String stack, String logicalId) {
        return derive(stack, logicalId, 255);
    }

    /** SQS: at most 80 characters including {@code .fifo}, which FIFO queue names must end with. */
    static String queue(String stack, String logicalId, boolean fifo) {
        return fifo ? derive(stack, logicalId, 80 - ".fifo".length()) + ".fifo" : derive(stack, logicalId, 80);
    }

    /** Lambda: at most 64 characters. */
    static String function(String stack, String logicalId) {
        return derive(stack, logicalId, 64);
    }

    /** S3: lower case letters, digits and hyphens, at most 63 characters. */
    static String bucket(String stack, String logicalId) {
        // Stack names and logical ids hold only letters, digits and hyphens: lower case is enough.
        return derive(stack, logicalId, 63).toLowerCase(Locale.ROOT);
    }

    /** Any other resource (roles, topics, log groups): at most 64 characters, IAM's limit. */
    static String other(String stack, String logicalId) {
        return derive(stack, logicalId, 64);
    }

    private static String derive(String stack, String logicalId, int maxLength) {
        var suffix = suffix(stack, logicalId, SUFFIX_LENGTH);
        var room = maxLength - suffix.length() - 1;
        var prefix = stack + "-" + logicalId;
        if (prefix.length() > room) {
            // CloudFormation shortens both parts: the stack keeps at least half the room, the
            // logical id takes the rest, so names stay recognisable at a glance.
            var stackRoom = Math.min(stack.length(), Math.max(room / 2, room - 1 - logicalId.length()));
            var idRoom = room - 1 - stackRoom;
            prefix = stack.substring(0, stackRoom) + "-" + logicalId.substring(0, Math.min(idRoom, logicalId.length()));
        }
        return prefix + "-" + suffix;
    }

    /** {@code length} upper-case letters and digits that depend only on stack and logical id. */
    static String suffix(String stack, String logicalId, int length) {
        var digest = sha256(stack + "/" + logicalId);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
        }
        return text.toString();
    }

    /** A UUID-shaped string that depends only on {@code seed}. */
    static String uuidLike(String seed) {
        var hex = java.util.HexFormat.of().formatHex(sha256(seed));
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20, 32);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
