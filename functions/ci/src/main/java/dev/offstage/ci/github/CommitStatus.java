package dev.offstage.ci.github;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A commit status as GitHub shows it beside a commit or pull request. The latest status of each
 * {@code context} (e.g. {@code offstage/ci}) is what GitHub displays.
 *
 * @param state       the outcome; sent lower-case
 * @param targetUrl   the page the status links to, or {@code null}; absolute http(s)
 * @param description a line of text, or {@code null}; cut to {@value #MAX_DESCRIPTION_LENGTH}
 *                    characters (ending in {@code …}) because GitHub shows no more than that
 * @param context     the label that tells this status from other systems' statuses
 */
public record CommitStatus(State state, URI targetUrl, String description, String context) {

    /** What GitHub displays of a description. */
    public static final int MAX_DESCRIPTION_LENGTH = 140;

    /** A commit status state. */
    public enum State {
        PENDING, SUCCESS, FAILURE, ERROR;

        /** The API's spelling: {@code pending}, {@code success}, {@code failure}, {@code error}. */
        public String apiValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CommitStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(context, "context");
        if (context.isBlank()) {
            throw new IllegalArgumentException("A commit status needs a context, e.g. offstage/ci");
        }
        if (targetUrl != null && !(targetUrl.isAbsolute()
                && ("https".equalsIgnoreCase(targetUrl.getScheme()) || "http".equalsIgnoreCase(targetUrl.getScheme())))) {
            throw new IllegalArgumentException("A commit status target URL must be an absolute http(s) URL: " + targetUrl);
        }
        description = truncated(description);
    }

    /** Counted in code points, so that an emoji is never cut in half. */
    private static String truncated(String description) {
        if (description == null || description.codePointCount(0, description.length()) <= MAX_DESCRIPTION_LENGTH) {
            return description;
        }
        int end = description.offsetByCodePoints(0, MAX_DESCRIPTION_LENGTH - 1);
        return description.substring(0, end) + "…";
    }
}
