package dev.offstage.ci.github;

/**
 * A source tarball is larger than the caller allowed. Not retryable: the same commit stays as
 * large. No file is left behind.
 */
public final class TarballTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long maxBytes;

    TarballTooLargeException(GitHubRepository repository, String sha, long maxBytes) {
        super("The source tarball of " + repository + " at " + sha + " is larger than the limit of " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    /** The limit that was exceeded. */
    public long maxBytes() {
        return maxBytes;
    }
}
