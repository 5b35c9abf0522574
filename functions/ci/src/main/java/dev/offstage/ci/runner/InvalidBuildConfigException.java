package dev.offstage.ci.runner;

/**
 * The repository's build config ({@value BuildConfig#FILE_NAME}) is malformed, or absent with
 * nothing in the repository to build by default. The message is written for the repository's
 * owner: it names the file, the field and, where known, the line.
 *
 * <p>Permanent: the commit's content decides it, so the build is reported as an error and not
 * retried. Checked, and not an {@link java.io.IOException}, so that it cannot be retried by a
 * caller that retries I/O failures.
 */
public final class InvalidBuildConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidBuildConfigException(String message) {
        super(message);
    }
}
