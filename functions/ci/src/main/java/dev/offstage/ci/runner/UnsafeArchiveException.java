package dev.offstage.ci.runner;

/**
 * The tarball is one the runner refuses to extract: an entry escapes the tree, a link points
 * outside it, a device node, a size or entry-count bomb, a second top-level directory, … The
 * message names the entry and the reason, for the build log and the commit status.
 *
 * <p>Permanent: the same commit yields the same tarball, so the build must be reported as an
 * error and not retried. Checked, and deliberately not an {@link java.io.IOException}, so that a
 * caller that retries I/O failures cannot retry this by accident. The destination directory may
 * hold part of the archive when this is thrown: the caller deletes it and trusts none of it.
 */
public final class UnsafeArchiveException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnsafeArchiveException(String message) {
        super(message);
    }

    public UnsafeArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
