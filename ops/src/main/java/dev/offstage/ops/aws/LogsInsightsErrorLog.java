package dev.offstage.ops.aws;

import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.ErrorLog;
import dev.offstage.ops.LogsUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.QueryStatus;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResultField;

/**
 * The functions' ERROR lines through CloudWatch Logs Insights: one StartQuery over every function's
 * log group, then GetQueryResults until the query is Complete, at most {@code maxWait}. The
 * toolkit's JSON log lines are discovered as fields: {@code level}, {@code message},
 * {@code function_request_id}, {@code error_type}, {@code error_message} and, for a line logged
 * while an SQS message was handled (the batch's "SQS message {id} failed" among them),
 * {@code sqs_message_id}.
 *
 * <p>Recent errors look back {@value #RECENT_HOURS} hours; reasons for dead letters
 * {@value #REASON_DAYS} days (SQS keeps a message at most that long). Logs Insights bills by data
 * scanned: a dead-letter view asks one query for all its messages. A query covers at most
 * {@value #MAX_LOG_GROUPS} log groups (the service's limit). Needs {@code logs:StartQuery},
 * {@code logs:GetQueryResults} and {@code logs:StopQuery} on the log groups. Thread-safe.
 */
public final class LogsInsightsErrorLog implements ErrorLog {

    static final int RECENT_HOURS = 24;
    static final int REASON_DAYS = 14;
    static final int MAX_LOG_GROUPS = 50;
    static final int MAX_REASON_LINES = 1000;

    private static final String FIELDS = "fields @timestamp, @log, level, message, function_request_id, "
            + "error_type, error_message, sqs_message_id";
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final CloudWatchLogsClient logs;
    private final Map<String, String> logGroups;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration maxWait;

    /**
     * @param logGroups    function logical id to log group name ({@link dev.offstage.ops.Deployment#logGroups()})
     * @param pollInterval pause between two GetQueryResults calls
     * @param maxWait      how long a query may take before it is stopped and the logs are unavailable
     */
    public LogsInsightsErrorLog(CloudWatchLogsClient logs, Map<String, String> logGroups, Clock clock,
            Duration pollInterval, Duration maxWait) {
        this.logs = logs;
        this.logGroups = Map.copyOf(logGroups);
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.maxWait = maxWait;
    }

    @Override
    public List<ErrorLine> recent(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        var query = FIELDS + "\n| filter level = \"ERROR\"\n| sort @timestamp desc\n| limit " + Math.min(max, 10_000);
        return run(query, Duration.ofHours(RECENT_HOURS)).stream().map(this::errorLine).toList();
    }

    @Override
    public Optional<String> reasonFor(String messageId) {
        return Optional.ofNullable(reasonsFor(List.of(messageId)).get(messageId));
    }

    /** One query for all of them: the newest ERROR line naming each message. */
    @Override
    public Map<String, String> reasonsFor(Collection<String> messageIds) {
        // Message ids are UUIDs; anything else is not put into a query string.
        var ids = messageIds.stream().filter(id -> id != null && MESSAGE_ID.matcher(id).matches()).distinct().toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        var list = ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(", ", "[", "]"));
        var query = FIELDS + "\n| filter level = \"ERROR\" and sqs_message_id in " + list
                + "\n| sort @timestamp desc\n| limit " + MAX_REASON_LINES;
        var reasons = new HashMap<String, String>();
        for (var row : run(query, Duration.ofDays(REASON_DAYS))) {
            var id = row.get("sqs_message_id");
            if (id != null) {
                // The exception says why; the line's message ("SQS message {id} failed ...") only that it did.
                var error = row.get("error_type") == null ? null
                        : row.get("error_message") == null ? row.get("error_type") : row.get("error_type") + ": " + row.get("error_message");
                reasons.putIfAbsent(id, error != null ? error : describe(row));
            }
        }
        return reasons;
    }

    /** Runs a query over every log group and returns its rows as field name to value. */
    private List<Map<String, String>> run(String query, Duration lookBack) {
        if (logGroups.isEmpty()) {
            return List.of();
        }
        var groups = logGroups.values().stream().distinct().sorted().limit(MAX_LOG_GROUPS).toList();
        var now = clock.instant();
        String queryId;
        try {
            queryId = logs.startQuery(start -> start.logGroupNames(groups).queryString(query)
                    .startTime(now.minus(lookBack).getEpochSecond()).endTime(now.getEpochSecond())).queryId();
        } catch (SdkException e) {
            throw new LogsUnavailableException("Logs Insights refused the query: " + e.getMessage(), e);
        }
        var deadline = clock.instant().plus(maxWait);
        try {
            while (true) {
                var results = logs.getQueryResults(get -> get.queryId(queryId));
                var status = results.status();
                if (status == QueryStatus.COMPLETE) {
                    return results.results().stream().map(LogsInsightsErrorLog::row).toList();
                }
                if (status != QueryStatus.SCHEDULED && status != QueryStatus.RUNNING) {
                    throw new LogsUnavailableException("Logs Insights query " + queryId + " ended " + results.statusAsString());
                }
                if (!clock.instant().isBefore(deadline)) {
                    stop(queryId);
                    throw new LogsUnavailableException("Logs Insights query " + queryId + " did not complete within " + maxWait);
                }
                Thread.sleep(pollInterval);
            }
        } catch (SdkException e) {
            throw new LogsUnavailableException("Logs Insights results could not be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(queryId);
            throw new LogsUnavailableException("Interrupted while waiting for Logs Insights query " + queryId, e);
        }
    }

    private void stop(String queryId) {
        try {
            logs.stopQuery(stop -> stop.queryId(queryId));
        } catch (SdkException e) {
            // It stops by itself after 60 minutes at worst; nothing more to do.
        }
    }

    private static Map<String, String> row(List<ResultField> fields) {
        var row = new HashMap<String, String>();
        for (var field : fields) {
            if (field.field() != null && field.value() != null) {
                row.put(field.field(), field.value());
            }
        }
        return row;
    }

    private ErrorLine errorLine(Map<String, String> row) {
        return new ErrorLine(timestamp(row.get("@timestamp")), function(row.get("@log")), row.get("function_request_id"),
                describe(row));
    }

    /** The message, with the exception's type and message when the line had one. */
    static String describe(Map<String, String> row) {
        var message = row.getOrDefault("message", "");
        var type = row.get("error_type");
        if (type == null) {
            return message;
        }
        var error = row.get("error_message") == null ? type : type + ": " + row.get("error_message");
        return message.isBlank() ? error : message + " — " + error;
    }

    /** {@code @log} is {@code account-id:log-group-name}; the console shows the function's logical id. */
    private String function(String log) {
        if (log == null) {
            return null;
        }
        var group = log.substring(log.indexOf(':') + 1);
        return logGroups.entrySet().stream().filter(entry -> entry.getValue().equals(group)).map(Map.Entry::getKey)
                .findFirst().orElse(group);
    }

    /** Logs Insights writes {@code @timestamp} as {@code 2026-11-27 10:15:02.123}, in UTC. */
    private static java.time.Instant timestamp(String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value, TIMESTAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
