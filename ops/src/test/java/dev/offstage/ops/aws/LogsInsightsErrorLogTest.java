package dev.offstage.ops.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.LogsUnavailableException;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** Against a protocol fake of CloudWatch Logs' JSON 1.1 protocol (X-Amz-Target names the operation). */
class LogsInsightsErrorLogTest {

    private static final Map<String, String> LOG_GROUPS = Map.of(
            "BuildRunnerFunction", "/offstage/BuildRunner", "PostsSpamFunction", "/offstage/PostsSpam");

    private ProtocolFake fake;
    private AwsClients aws;
    private CloudWatchLogsClient logs;

    @AfterEach
    void close() {
        logs.close();
        aws.close();
        fake.close();
    }

    @Test
    void recentErrorsQueryEveryLogGroupAndWaitForTheQueryToComplete() throws IOException {
        var polls = new AtomicInteger();
        start(request -> switch (request.header("X-Amz-Target")) {
            case "Logs_20140328.StartQuery" -> json(200, Map.of("queryId", "query-1"));
            case "Logs_20140328.GetQueryResults" -> polls.incrementAndGet() == 1
                    ? json(200, Map.of("status", "Running", "results", List.of()))
                    : json(200, Map.of("status", "Complete", "results", List.of(List.of(
                            field("@timestamp", "2026-11-27 10:15:02.123"),
                            field("@log", "123456789012:/offstage/PostsSpam"),
                            field("level", "ERROR"),
                            field("message", "SQS message m-1 failed (receive count 2); reported for retry"),
                            field("function_request_id", "req-1"),
                            field("error_type", "java.lang.IllegalStateException"),
                            field("error_message", "post p-1 has no author"),
                            field("@ptr", "ignored")))));
            default -> json(400, Map.of("__type", "UnknownOperationException"));
        });

        var lines = errorLog(Duration.ofSeconds(30)).recent(5);

        assertThat(lines).containsExactly(new ErrorLine(Instant.parse("2026-11-27T10:15:02.123Z"), "PostsSpamFunction", "req-1",
                "SQS message m-1 failed (receive count 2); reported for retry — java.lang.IllegalStateException: post p-1 has no author"));
        var start = Json.tree(fake.requests.getFirst().text());
        assertThat(fake.requests.getFirst().header("Content-Type")).startsWith("application/x-amz-json-1.1");
        assertThat(start.get("logGroupNames")).extracting(node -> node.asText())
                .containsExactly("/offstage/BuildRunner", "/offstage/PostsSpam");
        assertThat(start.get("queryString").asText()).contains("filter level = \"ERROR\"", "sort @timestamp desc", "limit 5");
        assertThat(start.get("endTime").asLong() - start.get("startTime").asLong()).isEqualTo(24 * 3600);
        assertThat(polls).hasValue(2);
    }

    @Test
    void deadLetterReasonsComeFromOneQueryNamingEveryMessage() throws IOException {
        start(request -> switch (request.header("X-Amz-Target")) {
            case "Logs_20140328.StartQuery" -> json(200, Map.of("queryId", "query-2"));
            default -> json(200, Map.of("status", "Complete", "results", List.of(
                    List.of(field("sqs_message_id", "m-1"), field("message", "SQS message m-1 failed (receive count 3)"),
                            field("error_type", "java.io.UncheckedIOException"), field("error_message", "disk full")),
                    List.of(field("sqs_message_id", "m-1"), field("message", "an older failure"),
                            field("error_type", "java.lang.IllegalStateException")))));
        });

        var reasons = errorLog(Duration.ofSeconds(30)).reasonsFor(List.of("m-1", "m-2", "not an id\" or 1=1"));

        assertThat(reasons).containsExactly(Map.entry("m-1", "java.io.UncheckedIOException: disk full"));
        var query = Json.tree(fake.requests.getFirst().text()).get("queryString").asText();
        assertThat(query).contains("sqs_message_id in [\"m-1\", \"m-2\"]").doesNotContain("1=1");
    }

    @Test
    void aQueryThatDoesNotCompleteInTimeIsStopped() throws IOException {
        start(request -> switch (request.header("X-Amz-Target")) {
            case "Logs_20140328.StartQuery" -> json(200, Map.of("queryId", "query-3"));
            case "Logs_20140328.StopQuery" -> json(200, Map.of("success", true));
            default -> json(200, Map.of("status", "Running", "results", List.of()));
        });

        assertThatThrownBy(() -> errorLog(Duration.ZERO).recent(5))
                .isInstanceOf(LogsUnavailableException.class).hasMessageContaining("did not complete within");
        assertThat(fake.requests).extracting(request -> request.header("X-Amz-Target")).last()
                .isEqualTo("Logs_20140328.StopQuery");
    }

    @Test
    void aRefusedQueryMakesTheLogsUnavailable() throws IOException {
        start(request -> json(400, Map.of("__type", "AccessDeniedException", "message", "not authorized to perform logs:StartQuery")));

        assertThatThrownBy(() -> errorLog(Duration.ofSeconds(30)).recent(5))
                .isInstanceOf(LogsUnavailableException.class).hasMessageContaining("not authorized");
    }

    @Test
    void aFailedQueryMakesTheLogsUnavailable() throws IOException {
        start(request -> switch (request.header("X-Amz-Target")) {
            case "Logs_20140328.StartQuery" -> json(200, Map.of("queryId", "query-4"));
            default -> json(200, Map.of("status", "Failed", "results", List.of()));
        });

        assertThatThrownBy(() -> errorLog(Duration.ofSeconds(30)).recent(5))
                .isInstanceOf(LogsUnavailableException.class).hasMessageContaining("ended Failed");
    }

    private LogsInsightsErrorLog errorLog(Duration maxWait) {
        return new LogsInsightsErrorLog(logs, LOG_GROUPS, Clock.systemUTC(), Duration.ofMillis(10), maxWait);
    }

    private void start(Function<ProtocolFake.Request, ProtocolFake.Response> responder) throws IOException {
        fake = new ProtocolFake(responder);
        aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", fake.uri().toString())));
        logs = aws.configure(CloudWatchLogsClient.builder(), "CLOUDWATCH_LOGS").build();
    }

    private static Map<String, String> field(String name, String value) {
        return Map.of("field", name, "value", value);
    }

    private static ProtocolFake.Response json(int status, Object body) {
        return ProtocolFake.Response.of(status, "application/x-amz-json-1.1", Json.write(body));
    }
}
