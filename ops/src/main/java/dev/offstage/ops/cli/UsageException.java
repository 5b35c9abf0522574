package dev.offstage.ops.cli;

/** The command line makes no sense: exit code 2, with the message and a pointer to --help. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
