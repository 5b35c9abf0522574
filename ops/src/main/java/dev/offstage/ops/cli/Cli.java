package dev.offstage.ops.cli;

import dev.offstage.ops.BuildSummary;
import dev.offstage.ops.ConsoleSession;
import dev.offstage.ops.DeadLetter;
import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.LogsUnavailableException;
import dev.offstage.ops.OpsConsole;
import dev.offstage.ops.QueueStatus;
import dev.offstage.ops.RedriveProgress;
import dev.offstage.ops.VideoSummary;
import dev.offstage.ops.aws.StackNotFoundException;
import dev.offstage.ops.local.NoLocalRuntimeException;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code scripts/offstage}: the ops console in a terminal. Runs one command against the target the
 * command line names and answers with an exit code: 0 done, 1 the target failed (AWS refused or is
 * unreachable, no local runtime, stack not found), 2 usage error.
 */
final class Cli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final int STATUS_ROWS = 5;
    static final int DEFAULT_ROWS = 10;
    static final int DEFAULT_ERRORS = 20;
    static final Duration REDRIVE_POLL = Duration.ofSeconds(1);

    private final PrintStream out;
    private final PrintStream err;
    private final Function<CommandLine, ConsoleSession> sessions;
    private final Clock clock;

    /** @param sessions opens the console on the target a command line names */
    Cli(PrintStream out, PrintStream err, Function<CommandLine, ConsoleSession> sessions, Clock clock) {
        this.out = out;
        this.err = err;
        this.sessions = sessions;
        this.clock = clock;
    }

    int run(List<String> args) {
        CommandLine line;
        try {
            line = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("offstage: " + e.getMessage());
            err.println("Try scripts/offstage --help");
            return USAGE;
        }
        if (line.command().equals("help")) {
            out.print(CommandLine.USAGE);
            return OK;
        }
        try (var session = sessions.apply(line)) {
            return run(line, session);
        } catch (UsageException | IllegalArgumentException | ConfigurationException e) {
            err.println("offstage: " + e.getMessage());
            return USAGE;
        } catch (NoLocalRuntimeException | StackNotFoundException | RedriveFailedException e) {
            err.println("offstage: " + e.getMessage());
            return FAILED;
        } catch (AwsServiceException e) {
            var details = e.awsErrorDetails();
            err.println("offstage: " + (details == null ? "AWS" : details.serviceName()) + " refused: "
                    + (details == null || details.errorMessage() == null ? e.getMessage()
                            : details.errorCode() + ": " + details.errorMessage()));
            return FAILED;
        } catch (SdkException e) {
            err.println("offstage: " + (line.stack() == null
                    ? "the local runtime's emulators do not answer (is scripts/dev still running?): "
                    : "AWS could not be reached: ") + e.getMessage());
            return FAILED;
        } catch (IllegalStateException e) {
            err.println("offstage: " + e.getMessage());
            return FAILED;
        }
    }

    private int run(CommandLine line, ConsoleSession session) {
        var console = session.console();
        switch (line.command()) {
            case "status" -> status(line, session);
            case "queues" -> print(line, console.queues(), this::queuesTable);
            case "dlq" -> print(line, console.deadLetters(line.queue(), line.countOr(DEFAULT_ROWS)), this::deadLettersTable);
            case "redrive" -> redrive(line, console);
            case "builds" -> print(line, console.recentBuilds(line.countOr(DEFAULT_ROWS)), this::buildsTable);
            case "videos" -> print(line, console.recentVideos(line.countOr(DEFAULT_ROWS)), this::videosTable);
            case "errors" -> {
                try {
                    print(line, console.recentErrors(line.countOr(DEFAULT_ERRORS)), this::errorsTable);
                } catch (LogsUnavailableException e) {
                    err.println("offstage: the logs cannot be read: " + e.getMessage());
                    return FAILED;
                }
            }
            default -> throw new UsageException("Unknown command " + line.command());
        }
        return OK;
    }

    private <T> void print(CommandLine line, T value, Function<T, String> table) {
        out.print(line.json() ? Json.write(value) + "\n" : table.apply(value));
    }

    // ---- status ---------------------------------------------------------------------------------

    private void status(CommandLine line, ConsoleSession session) {
        var console = session.console();
        int rows = line.countOr(STATUS_ROWS);
        var queues = console.queues();
        var builds = console.recentBuilds(rows);
        var videos = console.recentVideos(rows);
        List<ErrorLine> errors = null;
        String errorsUnavailable = null;
        try {
            errors = console.recentErrors(rows);
        } catch (LogsUnavailableException e) {
            errorsUnavailable = e.getMessage();
        }
        if (line.json()) {
            var json = new LinkedHashMap<String, Object>();
            json.put("target", session.target());
            json.put("queues", queues);
            json.put("builds", builds);
            json.put("videos", videos);
            json.put("errors", errors);
            json.put("errorsUnavailable", errorsUnavailable);
            out.println(Json.write(json));
            return;
        }
        out.println("Offstage — " + session.target());
        out.println();
        out.print(queuesTable(queues));
        out.println();
        out.println("Recent builds");
        out.print(builds.isEmpty() ? "  none\n" : buildsTable(builds));
        out.println();
        out.println("Recent videos");
        out.print(videos.isEmpty() ? "  none\n" : videosTable(videos));
        out.println();
        out.println("Last errors");
        if (errors == null) {
            out.println("  unknown: " + errorsUnavailable);
        } else {
            out.print(errors.isEmpty() ? "  none\n" : errorsTable(errors));
        }
    }

    // ---- redrive --------------------------------------------------------------------------------

    private void redrive(CommandLine line, OpsConsole console) {
        var task = console.redrive(line.queue());
        if (line.json() && !line.follow()) {
            out.println(Json.write(task));
            return;
        }
        if (!line.json()) {
            out.println("Moving " + task.messages() + " message(s) from " + task.deadLetterQueue() + " back to "
                    + task.destination() + " (task " + task.taskHandle() + ")");
        }
        if (!line.follow()) {
            return;
        }
        long lastMoved = -1;
        while (true) {
            var tasks = console.redriveTasks(line.queue());
            // Finished tasks lose their handle in ListMessageMoveTasks: the newest task is ours.
            var progress = tasks.stream().filter(t -> task.taskHandle().equals(t.taskHandle())).findFirst()
                    .orElse(tasks.isEmpty() ? null : tasks.getFirst());
            if (progress == null) {
                throw new IllegalStateException("SQS lists no message move task for " + line.queue());
            }
            if (!line.json() && progress.moved() != lastMoved) {
                out.println("  " + progress.status() + ": " + progress.moved() + " moved"
                        + (progress.toMove() == null ? "" : " of " + progress.toMove()));
                lastMoved = progress.moved();
            }
            if (progress.finished()) {
                if (line.json()) {
                    out.println(Json.write(progress));
                } else if (progress.failure() != null) {
                    out.println("  failed: " + progress.failure());
                }
                if (!"COMPLETED".equals(progress.status())) {
                    throw new RedriveFailedException(line.queue(), progress);
                }
                return;
            }
            sleep(REDRIVE_POLL);
        }
    }

    /** The move task ended other than COMPLETED. */
    static final class RedriveFailedException extends RuntimeException {
        RedriveFailedException(String queue, RedriveProgress progress) {
            super("the redrive of " + queue + " ended " + progress.status()
                    + (progress.failure() == null ? "" : ": " + progress.failure()));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while following the redrive", e);
        }
    }

    // ---- tables ---------------------------------------------------------------------------------

    String queuesTable(List<QueueStatus> queues) {
        var table = new TextTable("QUEUE", ">WAITING", ">IN FLIGHT", ">DELAYED", ">OLDEST", "REDRIVE");
        for (var queue : queues) {
            String redrive;
            if (queue.isDeadLetterQueue()) {
                redrive = "dead letters of " + String.join(", ", queue.sources());
            } else if (queue.deadLetterQueue() != null) {
                redrive = "→ " + queue.deadLetterQueue();
            } else {
                redrive = "";
            }
            table.row(queue.logicalId(), queue.visible(), queue.inFlight(), queue.delayed(), age(queue), redrive);
        }
        return table.render();
    }

    private static String age(QueueStatus queue) {
        if (queue.oldestAgeSeconds() != null) {
            return TextTable.duration(queue.oldestAgeSeconds());
        }
        return queue.visible() + queue.inFlight() + queue.delayed() == 0 ? "-" : "unknown";
    }

    String deadLettersTable(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return "No messages.\n";
        }
        var table = new TextTable("MESSAGE ID", ">AGE", ">RECEIVES", "BODY", "REASON");
        for (var letter : letters) {
            // The reason is what this view is for: shown whole.
            table.row(letter.messageId(), ago(letter.sentAt()), letter.receiveCount(), TextTable.cut(letter.body(), 60),
                    letter.failureReason());
        }
        return table.render();
    }

    String buildsTable(List<BuildSummary> builds) {
        if (builds.isEmpty()) {
            return "No builds.\n";
        }
        var table = new TextTable("STATUS", "REPOSITORY", "REF", "COMMIT", ">QUEUED", ">TOOK", "BUILD");
        for (var build : builds) {
            table.row(build.status(), build.repository(), build.ref(),
                    build.sha() == null ? null : build.sha().substring(0, Math.min(7, build.sha().length())),
                    ago(build.created()), took(build.created(), build.updated()), build.id());
        }
        return table.render();
    }

    String videosTable(List<VideoSummary> videos) {
        if (videos.isEmpty()) {
            return "No videos.\n";
        }
        var table = new TextTable("STATUS", "VIDEO", ">UPLOADED", ">TOOK", "RENDITIONS", "KEY / REASON");
        for (var video : videos) {
            table.row(video.status(), video.id(), ago(video.created()),
                    "PROCESSING".equals(video.status()) ? null : took(video.created(), video.updated()),
                    video.renditions().isEmpty() ? null : String.join(",", video.renditions()),
                    TextTable.cut(video.reason() != null ? video.reason() : video.key(), 80));
        }
        return table.render();
    }

    String errorsTable(List<ErrorLine> errors) {
        if (errors.isEmpty()) {
            return "No errors.\n";
        }
        var table = new TextTable(">WHEN", "FUNCTION", "REQUEST", "MESSAGE");
        for (var error : errors) {
            table.row(ago(error.time()), error.function(), error.requestId(), TextTable.cut(error.message(), 120));
        }
        return table.render();
    }

    private String ago(Instant time) {
        return time == null ? null : TextTable.duration(Duration.between(time, clock.instant()).toSeconds()) + " ago";
    }

    private static String took(Instant start, Instant end) {
        return start == null || end == null ? null : TextTable.duration(Duration.between(start, end).toSeconds());
    }
}
