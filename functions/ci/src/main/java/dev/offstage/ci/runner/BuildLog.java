package dev.offstage.ci.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.offstage.shared.logging.Redaction;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * A build's log file: one line per output line, each prefixed with its UTC time to the millisecond
 * from the given clock ({@code 2026-11-27T07:20:01.123Z npm test}).
 *
 * <p>Secrets are masked as in the functions' own log lines ({@link Redaction}): every value read from
 * Secrets Manager (the build secrets handed to the build, the GitHub token), and whatever has a
 * secret's shape (tokens, signatures, AWS keys) — a build that echoes {@code $NPM_TOKEN} logs
 * {@code [REDACTED]}, as GitHub Actions masks its secrets.
 *
 * <p>Output from the build is capped: past {@code limitBytes} in the file, one line says so and
 * further output is dropped, while the build goes on. Notes from the runner itself (the command
 * echoed, the outcome, a timeout) are always written, so the end of a log is never lost to a
 * chatty build.
 *
 * <p>Thread-safe: the output reader and the runner write at once. Writes after {@link #close()}
 * are ignored (a background process may outlive the build). A failure to write stops the log and
 * is thrown by {@code close()}, so that a full disk does not fail the build halfway.
 */
public final class BuildLog implements Closeable {

    /** What a human reads and a Lambda can upload comfortably. */
    public static final long DEFAULT_LIMIT_BYTES = 16L << 20;

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final Clock clock;
    private final long limitBytes;
    private final OutputStream out;
    private long written;
    private boolean truncated;
    private boolean closed;
    private IOException failure;

    /**
     * Creates (or empties) {@code file}.
     *
     * @throws IllegalArgumentException when {@code limitBytes} is negative
     * @throws IOException when the file cannot be created
     */
    public BuildLog(Path file, Clock clock, long limitBytes) throws IOException {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (limitBytes < 0) {
            throw new IllegalArgumentException("limitBytes must not be negative, was " + limitBytes);
        }
        this.limitBytes = limitBytes;
        this.out = new BufferedOutputStream(Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 64 * 1024);
    }

    /** A log at {@code file} with the {@link #DEFAULT_LIMIT_BYTES default limit}. */
    public BuildLog(Path file, Clock clock) throws IOException {
        this(file, clock, DEFAULT_LIMIT_BYTES);
    }

    public Path file() {
        return file;
    }

    /** One line of the build's output (without its line break); dropped once the log is over its limit. */
    public synchronized void output(String line) {
        if (truncated) {
            return;
        }
        byte[] bytes = stamped(line);
        if (written + bytes.length > limitBytes) {
            truncated = true;
            write(stamped("[The log reached its limit of " + limitBytes + " bytes: further output is dropped;"
                    + " the build goes on]"));
            flush();
            return;
        }
        write(bytes);
    }

    /** A line (or several, split at line breaks) from the runner, always written; flushes the log. */
    public synchronized void note(String text) {
        for (String line : text.split("\r?\n", -1)) {
            write(stamped(line));
        }
        flush();
    }

    /** Whether build output has been dropped for the limit. */
    public synchronized boolean truncated() {
        return truncated;
    }

    /** Flushes and closes the file. @throws IOException the first failure to write, if any */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The line with its time, and with every secret masked as in log lines ({@link Redaction}). */
    private byte[] stamped(String line) {
        return (TIMESTAMP.format(clock.instant()) + " " + Redaction.mask(line) + "\n").getBytes(UTF_8);
    }

    private void write(byte[] bytes) {
        if (closed || failure != null) {
            return;
        }
        try {
            out.write(bytes);
            written += bytes.length;
        } catch (IOException e) {
            failure = e;
        }
    }

    private void flush() {
        if (closed || failure != null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failure = e;
        }
    }
}
