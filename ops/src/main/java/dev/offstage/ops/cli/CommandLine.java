package dev.offstage.ops.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parsed arguments of {@code scripts/offstage}.
 *
 * @param command   status (the default), queues, dlq, redrive, builds, videos, errors or help
 * @param queue     the queue of dlq and redrive
 * @param count     --max (dlq) or --limit (builds, videos, errors, status), or {@code null} for the default
 * @param follow    redrive --wait: follow the task until it ends
 * @param json      --json
 * @param stack     --stack, or {@code null} for the local runtime
 * @param region    --region, or {@code null}
 * @param endpoints --endpoints, or {@code null} for the default file
 */
record CommandLine(String command, String queue, Integer count, boolean follow, boolean json, String stack, String region,
        Path endpoints) {

    static final Set<String> COMMANDS = Set.of("status", "queues", "dlq", "redrive", "builds", "videos", "errors", "help");
    static final int MAX_COUNT = 1000;

    static final String USAGE = """
            usage: scripts/offstage [COMMAND] [--stack NAME [--region R] | --endpoints FILE] [--json]

              status                 queues, recent builds and videos, last errors (the default)
              queues                 every queue: messages waiting, in flight, delayed, oldest age, redrive links
              dlq QUEUE [--max N]    a dead-letter queue's messages (default 10), read without consuming them
              redrive QUEUE [--wait] move a dead-letter queue's messages back to its source queue
              builds [--limit N]     recent CI builds (default 10)
              videos [--limit N]     recent videos (default 10)
              errors [--limit N]     last ERROR lines of the functions' logs (default 20)

              --stack NAME    a deployed stack (AWS credentials and region from the usual places)
              --region R      its region (else AWS_REGION or the profile's)
              --endpoints F   the local runtime's endpoints file (default .offstage/endpoints.json)
              --json          machine-readable output
            exit codes: 0 ok, 1 the target failed or is unreachable, 2 usage error
            """;

    /** @throws UsageException when the arguments make no sense */
    static CommandLine parse(List<String> args) {
        String command = null;
        var positional = new ArrayList<String>();
        Integer max = null;
        Integer limit = null;
        boolean wait = false;
        boolean json = false;
        String stack = null;
        String region = null;
        Path endpoints = null;
        for (int i = 0; i < args.size(); i++) {
            var arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> command = "help";
                case "--json" -> json = true;
                case "--wait" -> wait = true;
                case "--stack" -> stack = value(args, ++i, arg);
                case "--region" -> region = value(args, ++i, arg);
                case "--endpoints" -> endpoints = Path.of(value(args, ++i, arg));
                case "--max" -> max = count(value(args, ++i, arg), arg);
                case "--limit" -> limit = count(value(args, ++i, arg), arg);
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("Unknown option " + arg);
                    }
                    if (command == null) {
                        if (!COMMANDS.contains(arg)) {
                            throw new UsageException("Unknown command '" + arg + "'; the commands are: "
                                    + "status, queues, dlq, redrive, builds, videos, errors");
                        }
                        command = arg;
                    } else {
                        positional.add(arg);
                    }
                }
            }
        }
        if (command == null) {
            command = "status";
        }
        if ("help".equals(command)) {
            return new CommandLine("help", null, null, false, false, null, null, null);
        }
        if (stack != null && endpoints != null) {
            throw new UsageException("--stack and --endpoints name two targets: give one");
        }
        if (region != null && stack == null) {
            throw new UsageException("--region goes with --stack");
        }
        if (max != null && !command.equals("dlq")) {
            throw new UsageException("--max goes with dlq");
        }
        if (limit != null && !Set.of("builds", "videos", "errors", "status").contains(command)) {
            throw new UsageException("--limit goes with status, builds, videos and errors");
        }
        if (wait && !command.equals("redrive")) {
            throw new UsageException("--wait goes with redrive");
        }
        String queue = null;
        if (command.equals("dlq") || command.equals("redrive")) {
            if (positional.isEmpty()) {
                throw new UsageException(command + " needs a dead-letter queue's logical id, e.g. scripts/offstage " + command
                        + " BuildsDeadLetterQueue (scripts/offstage queues lists them)");
            }
            queue = positional.removeFirst();
        }
        if (!positional.isEmpty()) {
            throw new UsageException("Unexpected argument '" + positional.getFirst() + "' for " + command);
        }
        return new CommandLine(command, queue, max != null ? max : limit, wait, json, stack, region, endpoints);
    }

    int countOr(int defaultCount) {
        return count == null ? defaultCount : count;
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int count(String value, String option) {
        try {
            int count = Integer.parseInt(value);
            if (count >= 1 && count <= MAX_COUNT) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a number from 1 to " + MAX_COUNT + ", was '" + value + "'");
    }
}
