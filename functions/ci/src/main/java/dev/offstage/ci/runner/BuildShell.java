package dev.offstage.ci.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a build's commands: each with {@code /bin/sh -c <command>} in the source root, one after
 * the other, stopping at the first that exits non-zero, all before a deadline.
 *
 * <p>Each process gets exactly the environment the caller passes: nothing is inherited from this
 * JVM, so the Lambda's AWS credentials never reach a build (pass {@code PATH}, {@code HOME} and
 * the like explicitly). Standard input is empty; standard output and error go, merged and line by
 * line, to the {@link BuildLog}, after the command echoed as {@code $ <command>}.
 *
 * <p>When the deadline passes, the running command's whole process tree is killed (listed before
 * killing, as children of a killed process are re-parented and can no longer be found), the log
 * says so and the result is {@link Outcome#TIMED_OUT}. Background processes the commands left
 * running are killed when the build ends, whatever its outcome. A process forked and detached in
 * the few milliseconds between two looks at the tree can escape both.
 *
 * <p>Thread-safe: each {@link #run} is independent.
 */
public final class BuildShell {

    private static final String SHELL = "/bin/sh";
    /** How often the process tree is listed while a command runs: catches background processes. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** After a command exits, how long its output may take to drain (a background child can hold the pipe open forever). */
    private static final Duration DRAIN = Duration.ofSeconds(1);
    /** After killing, how long to wait for the processes to be gone and the output reader to finish. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    /** A line without a break is cut here, so that binary output cannot grow the buffer without bound. */
    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final Clock clock;

    /** @param clock turns the deadline into time left; the same clock as the log's, in practice */
    public BuildShell(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How a build ended. */
    public enum Outcome {
        /** Every command exited 0. */
        SUCCEEDED,
        /** A command exited non-zero; the later ones did not run. */
        FAILED,
        /** The deadline passed: the running command was killed, or the next one not started. */
        TIMED_OUT
    }

    /**
     * @param outcome how the build ended
     * @param exitCode 0 when it succeeded, the failing command's exit status when it failed, and
     *     -1 when it timed out
     * @param failedCommand the command that failed or was running (or next) at the deadline;
     *     empty when it succeeded
     * @param duration how long the commands took, measured on the monotonic clock
     */
    public record Result(Outcome outcome, int exitCode, Optional<String> failedCommand, Duration duration) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(failedCommand, "failedCommand");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * Runs {@code commands} in {@code directory} with exactly {@code environment}, writing their
     * output to {@code log}; returns when they are done or the deadline has passed.
     *
     * @throws IllegalArgumentException when there are no commands, a command holds a NUL
     *     character, or an environment name is empty or holds {@code =} or NUL (or a value NUL)
     * @throws IOException when a shell cannot be started (a missing directory, no {@code /bin/sh})
     * @throws InterruptedException when the calling thread is interrupted; the running command's
     *     processes are killed first
     */
    public Result run(List<String> commands, Path directory, Map<String, String> environment, Instant deadline,
            BuildLog log) throws IOException, InterruptedException {
        check(commands, environment);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(log, "log");
        long start = System.nanoTime();
        // The deadline is wall-clock time; waiting is measured on the monotonic clock from here on.
        long deadline0 = start + saturatedNanos(Duration.between(clock.instant(), deadline));
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        List<Thread> readers = new ArrayList<>();
        Process running = null;
        try {
            for (String command : commands) {
                log.note(echo(command));
                if (System.nanoTime() - deadline0 >= 0) {
                    log.note("Timed out: the deadline passed before this command could start");
                    return new Result(Outcome.TIMED_OUT, -1, Optional.of(command), since(start));
                }
                running = start(command, directory, environment);
                Thread reader = read(running.getInputStream(), log);
                readers.add(reader);
                if (!waitFor(running, deadline0, seen)) {
                    int killed = kill(running, seen);
                    reader.join(KILL_WAIT);
                    log.note("Timed out: the deadline passed; killed the command and " + killed
                            + " process(es) it started");
                    return new Result(Outcome.TIMED_OUT, -1, Optional.of(command), since(start));
                }
                reader.join(DRAIN);
                int exit = running.exitValue();
                running = null;
                if (exit != 0) {
                    log.note("Failed: exit status " + exit);
                    return new Result(Outcome.FAILED, exit, Optional.of(command), since(start));
                }
            }
            return new Result(Outcome.SUCCEEDED, 0, Optional.empty(), since(start));
        } finally {
            if (running != null && running.isAlive()) {
                kill(running, seen); // interrupted, or failed while waiting
            }
            stopLeftovers(seen, log);
            for (Thread reader : readers) {
                reader.join(KILL_WAIT);
            }
        }
    }

    private static void check(List<String> commands, Map<String, String> environment) {
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("There are no commands to run");
        }
        for (String command : commands) {
            if (command.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("A command holds a NUL character");
            }
        }
        environment.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable '" + name.replace('\0', '?') + "'");
            }
        });
    }

    /** The command as the log shows it: {@code $ } before its first line, indented continuation lines. */
    private static String echo(String command) {
        return "$ " + command.strip().replaceAll("\r?\n", "\n  ");
    }

    private static Process start(String command, Path directory, Map<String, String> environment) throws IOException {
        var builder = new ProcessBuilder(SHELL, "-c", command)
                .directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close(); // a build reading its input gets end-of-file, not a hang
        return process;
    }

    /** Waits for the shell until the deadline, noting its descendants; false when the deadline came first. */
    private static boolean waitFor(Process process, long deadline, Set<ProcessHandle> seen) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !process.isAlive(); // one that exited just as the deadline passed keeps its status
            }
            if (process.waitFor(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            process.descendants().forEach(seen::add);
        }
    }

    /** Kills the shell and every process under it (and those seen before); returns how many others were alive. */
    private static int kill(Process process, Set<ProcessHandle> seen) throws InterruptedException {
        // Listed before killing: once the shell dies its children are re-parented and out of reach.
        var others = new LinkedHashSet<ProcessHandle>();
        process.descendants().forEach(others::add);
        others.addAll(seen);
        // The shell first: it can then start nothing new while its children go.
        process.destroyForcibly();
        int killed = 0;
        for (ProcessHandle handle : others) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
                killed++;
            }
        }
        // SIGKILL is delivered, not awaited: wait until they are gone, so that a build reported
        // TIMED_OUT has no process left (and the next invocation starts with none).
        var until = System.nanoTime() + KILL_WAIT.toNanos();
        process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        for (ProcessHandle handle : others) {
            var left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // still reported alive after KILL_WAIT: nothing more a SIGKILL can do
            }
        }
        return killed;
    }

    /** Kills the background processes the build left behind: they would hold the output open and outlive it. */
    private static void stopLeftovers(Set<ProcessHandle> seen, BuildLog log) {
        int stopped = 0;
        for (ProcessHandle handle : seen) {
            if (handle.isAlive()) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
                stopped++;
            }
        }
        if (stopped > 0) {
            log.note("Stopped " + stopped + " background process(es) still running after the build");
        }
    }

    /** Copies the process's output to the log, line by line, until the last writer closes the pipe. */
    private static Thread read(InputStream output, BuildLog log) {
        return Thread.ofPlatform().daemon().name("build-output").start(() -> {
            var line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (output) {
                int read;
                while ((read = output.read(buffer)) != -1) {
                    for (int i = 0; i < read; i++) {
                        byte b = buffer[i];
                        if (b == '\n') {
                            emit(line, log);
                        } else {
                            line.write(b);
                            if (line.size() >= MAX_LINE_BYTES) {
                                emit(line, log);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // The pipe closed under us: nothing more to read.
            }
            if (line.size() > 0) {
                emit(line, log);
            }
        });
    }

    private static void emit(ByteArrayOutputStream line, BuildLog log) {
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        log.output(new String(bytes, 0, length, UTF_8)); // malformed UTF-8 becomes U+FFFD
        line.reset();
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
