package dev.offstage.video.media;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of ffmpeg or ffprobe, until it exits or its deadline. Standard input is closed.
 * ffmpeg's standard output is its {@code -progress} report, logged as structured lines at most
 * every {@link #PROGRESS_EVERY} (and once at the end); ffprobe's is kept and returned. Standard
 * error is logged line by line at WARN (the first {@link #MAX_LOGGED_ERRORS}), and its last
 * {@link #ERROR_TAIL} lines are kept for the error message.
 *
 * <p>At the deadline the process and everything under it is killed, and waited for, before
 * {@link MediaDeadlineException} is thrown: nothing outlives a run. An interrupt kills it too.
 */
final class MediaCommand {

    private static final Logger LOG = LoggerFactory.getLogger(MediaCommand.class);

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    static final int ERROR_TAIL = 20;
    static final int MAX_LOGGED_ERRORS = 50;
    /** How often the process tree is listed while waiting: a wrapper script's ffmpeg must be found before it is orphaned. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** After an exit or a kill, how long the pipes may take to drain and the killed processes to go. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** swscale's warning whenever a JPEG's full-range yuvj420p is made: the poster's normal case, not a problem. */
    private static final String HARMLESS_SWSCALE_WARNING = "deprecated pixel format used";

    /** Which program, and the variable that says where it is. */
    enum Tool {
        FFMPEG(MediaTools.FFMPEG_VARIABLE), FFPROBE(MediaTools.FFPROBE_VARIABLE);

        final String variable;

        Tool(String variable) {
            this.variable = variable;
        }

        String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How a run ended.
     *
     * @param status the exit status
     * @param output standard output: ffprobe's report; empty for ffmpeg's progress
     * @param errors the last lines of standard error, oldest first
     */
    record Exit(int status, String output, List<String> errors) {
    }

    private final Tool tool;
    private final String step;
    private final List<String> command;
    private final boolean reportsProgress;
    private final double expectedSeconds;

    private MediaCommand(Tool tool, String step, List<String> command, boolean reportsProgress, double expectedSeconds) {
        this.tool = tool;
        this.step = step;
        this.command = List.copyOf(command);
        this.reportsProgress = reportsProgress;
        this.expectedSeconds = expectedSeconds;
    }

    /**
     * ffmpeg with {@code arguments}, quiet but for warnings, reporting progress on standard output.
     *
     * @param step            names the run in the log ({@code transcode}, {@code split}, ...)
     * @param expectedSeconds how much output time the run should write, for a percentage; 0 when unknown
     */
    static MediaCommand ffmpeg(MediaTools tools, String step, List<String> arguments, double expectedSeconds) {
        var command = new ArrayList<>(List.of(tools.ffmpeg(),
                "-hide_banner", "-nostdin", "-loglevel", "warning", "-progress", "pipe:1", "-nostats"));
        command.addAll(arguments);
        return new MediaCommand(Tool.FFMPEG, step, command, true, expectedSeconds);
    }

    /** ffprobe with {@code arguments}, printing errors only and its report as JSON. */
    static MediaCommand ffprobe(MediaTools tools, String step, List<String> arguments) {
        var command = new ArrayList<>(List.of(tools.ffprobe(), "-hide_banner", "-v", "error", "-of", "json"));
        command.addAll(arguments);
        return new MediaCommand(Tool.FFPROBE, step, command, false, 0);
    }

    /** {@code <tool> -version}, its output kept. */
    static MediaCommand version(MediaTools tools, Tool tool) {
        String program = tool == Tool.FFMPEG ? tools.ffmpeg() : tools.ffprobe();
        return new MediaCommand(tool, "check-tools", List.of(program, "-hide_banner", "-version"), false, 0);
    }

    Tool tool() {
        return tool;
    }

    String step() {
        return step;
    }

    List<String> command() {
        return command;
    }

    /**
     * Runs the command until it exits or {@code deadline}.
     *
     * @throws MediaDeadlineException when the deadline passed first (or had passed already); the
     *     process tree is gone
     * @throws MediaToolException when the program cannot be started (its message says which
     *     variable to set) or the thread was interrupted (the interrupt flag stays set)
     */
    Exit run(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new MediaDeadlineException(tool.displayName() + " (" + step + ") not started: its deadline, "
                    + deadline + ", has passed");
        }
        long started = System.nanoTime();
        long deadlineNanos = started + saturatedNanos(left);
        Process process = start();
        var errors = new StderrLog();
        var output = new StringBuffer(); // written by the reader thread
        Consumer<String> outputLine = reportsProgress ? new ProgressLog(started)::line : line -> output.append(line).append('\n');
        var mdc = MDC.getCopyOfContextMap();
        Thread outputReader = read(process.getInputStream(), outputLine, mdc, "stdout");
        Thread errorReader = read(process.getErrorStream(), errors::line, mdc, "stderr");
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        boolean finished = false;
        try {
            finished = waitFor(process, deadlineNanos, seen);
            if (!finished) {
                int others = kill(process, seen);
                join(outputReader, errorReader);
                throw new MediaDeadlineException(tool.displayName() + " (" + step + ") was still running at its deadline, "
                        + deadline + ", after " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                        + " s: killed it" + (others > 0 ? " and " + others + " process(es) it started" : ""));
            }
            join(outputReader, errorReader);
            errors.summarise();
            return new Exit(process.exitValue(), output.toString(), errors.tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaToolException(tool.displayName() + " (" + step + ") interrupted", e);
        } finally {
            if (!finished && process.isAlive()) {
                kill(process, seen); // interrupted, or failed while waiting
            }
            // A wrapper script's leftovers would outlive the run: nothing may.
            seen.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private Process start() {
        try {
            var builder = new ProcessBuilder(command);
            Process process = builder.start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            // ProcessBuilder says "Cannot run program "x": error=2, No such file or directory" (or error=13 for permissions).
            throw new MediaToolException(tool.displayName() + " could not be started as '" + command.getFirst() + "' ("
                    + e.getMessage() + "). Set " + tool.variable + " to its path; in AWS the ffmpeg layer (template "
                    + "parameter FfmpegLayerArn) provides /opt/bin/" + tool.displayName(), e);
        }
    }

    /** Waits until the process exits or the deadline, noting its descendants; false when the deadline came first. */
    private static boolean waitFor(Process process, long deadlineNanos, Set<ProcessHandle> seen) throws InterruptedException {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return !process.isAlive(); // one that exited just at the deadline keeps its status
            }
            if (process.waitFor(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            process.descendants().forEach(seen::add);
        }
    }

    /** Kills the process and every process under it, and waits for them; returns how many others were alive. */
    private static int kill(Process process, Set<ProcessHandle> seen) {
        // Listed before killing: once the parent dies its children are re-parented and out of reach.
        var others = new LinkedHashSet<>(seen);
        process.descendants().forEach(others::add);
        process.destroyForcibly();
        int killed = 0;
        for (ProcessHandle handle : others) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
                killed++;
            }
        }
        long until = System.nanoTime() + SETTLE.toNanos();
        var all = new ArrayList<ProcessHandle>(others);
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.atWarn().addKeyValue("pid", handle.pid()).log("A killed media process has not exited yet");
            }
        }
        return killed;
    }

    private static void join(Thread... readers) {
        long until = System.nanoTime() + SETTLE.toNanos();
        for (Thread reader : readers) {
            try {
                reader.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads lines from a pipe until its writers close it; the thread carries the caller's MDC, so its lines name the same video. */
    private Thread read(InputStream stream, Consumer<String> lines, Map<String, String> mdc, String name) {
        return Thread.ofPlatform().daemon().name(tool.displayName() + "-" + step + "-" + name).start(() -> {
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try (var reader = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            } catch (IOException | UncheckedIOException e) {
                // The pipe closed under us (the process was killed): nothing more to read.
            }
        });
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Standard error: each line logged (up to a limit, so that a broken file cannot flood the log), the last ones kept. */
    private final class StderrLog {
        private final Deque<String> tail = new ArrayDeque<>();
        private int lines;

        synchronized void line(String line) {
            if (line.isBlank() || line.contains(HARMLESS_SWSCALE_WARNING)) {
                return;
            }
            lines++;
            if (lines <= MAX_LOGGED_ERRORS) {
                LOG.atWarn().addKeyValue("tool", tool.displayName()).addKeyValue("step", step)
                        .addKeyValue("stderr", line).log(tool.displayName() + " said: " + line);
            }
            tail.addLast(line);
            if (tail.size() > ERROR_TAIL) {
                tail.removeFirst();
            }
        }

        synchronized void summarise() {
            if (lines > MAX_LOGGED_ERRORS) {
                LOG.atWarn().addKeyValue("tool", tool.displayName()).addKeyValue("step", step)
                        .addKeyValue("stderrLines", lines)
                        .log(tool.displayName() + " wrote " + (lines - MAX_LOGGED_ERRORS) + " more lines on stderr, not logged");
            }
        }

        synchronized List<String> tail() {
            return List.copyOf(tail);
        }
    }

    /**
     * ffmpeg's {@code -progress} report: blocks of {@code key=value} lines, each ending with
     * {@code progress=continue} or {@code progress=end}.
     */
    private final class ProgressLog {
        private final Map<String, String> block = new HashMap<>();
        private final long started;
        private long lastLogged;

        ProgressLog(long started) {
            this.started = started;
            this.lastLogged = started;
        }

        void line(String line) {
            int equals = line.indexOf('=');
            if (equals <= 0) {
                return;
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (!key.equals("progress")) {
                block.put(key, value);
                return;
            }
            long now = System.nanoTime();
            boolean end = value.equals("end");
            if (end || now - lastLogged >= PROGRESS_EVERY.toNanos()) {
                lastLogged = now;
                log(end, now);
            }
            block.clear();
        }

        private void log(boolean end, long now) {
            var event = LOG.atInfo().addKeyValue("step", step);
            double outTime = outTimeSeconds();
            if (outTime >= 0) {
                event = event.addKeyValue("outTimeSeconds", Math.round(outTime * 100) / 100.0);
                if (expectedSeconds > 0) {
                    event = event.addKeyValue("percent", Math.min(100, Math.round(outTime * 1000 / expectedSeconds) / 10.0));
                }
            }
            String speed = block.getOrDefault("speed", "N/A");
            if (!speed.equals("N/A")) {
                event = event.addKeyValue("speed", speed);
            }
            event.addKeyValue("elapsedSeconds", (now - started) / 1_000_000_000L)
                    .log(end ? "ffmpeg " + step + " done" : "ffmpeg " + step + " progress");
        }

        /** {@code out_time_us} in seconds; -1 when absent or not yet known (ffmpeg prints N/A, or a negative time at the start). */
        private double outTimeSeconds() {
            try {
                long micros = Long.parseLong(block.getOrDefault("out_time_us", "N/A"));
                return micros < 0 ? -1 : micros / 1_000_000.0;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
