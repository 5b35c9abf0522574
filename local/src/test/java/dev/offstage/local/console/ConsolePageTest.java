package dev.offstage.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.ChildProcesses;
import dev.offstage.testing.Chromium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The console page as a developer uses it, in headless Chromium: a runtime on
 * {@code templates/console.yaml} serves a request (OK), fails an invocation (ERROR) and sends two
 * failing messages to the dead-letter queue; the page shows the functions, the invocations with
 * their outcome and duration, and the dead-letter queue with its count; "show messages" lists them
 * with their failure reason; a recorded build and video and the functions' ERROR lines are listed;
 * and Redrive moves them back to their source queue — checked in SQS,
 * not only on the page.
 */
class ConsolePageTest {

    /** Bounds every wait; a failed message needs one visibility timeout (5 s) to reach the DLQ. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DLQ = "JobsDeadLetterQueue";
    private static final String CRASH_EVENT = """
            {"Records":[{"messageId":"direct-1","body":"crash","eventSource":"aws:sqs",
              "attributes":{"ApproximateReceiveCount":"1"}}]}""";
    /** Given as an invocation's trigger, so the page must show it as text. */
    private static final String HOSTILE = "<img src=x onerror=\"window.injected=1\">";

    private static Set<Long> processesBefore;
    private static LocalRuntime runtime;
    private static AwsClients aws;
    private static Chromium chromium;

    @BeforeAll
    static void start() {
        processesBefore = ChildProcesses.now();
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(ConsoleApiTest.TEMPLATE).withHttpPort(0)
                .withInitializeFunctions(false));
        aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
            if (aws != null) {
                aws.close();
            }
            if (runtime != null) {
                runtime.close();
            }
        } finally {
            assertThat(ChildProcesses.startedSince(processesBefore))
                    .as("Chromium and its helpers are gone").noneMatch(process -> process.contains("chrom"));
        }
    }

    @Test
    void pageShowsWhatHappenedAndRedriveMovesDeadLettersBack() throws Exception {
        // What a developer did: a request, a failed invocation, two messages that fail.
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var response = http.send(HttpRequest.newBuilder(runtime.endpoints().httpApi().resolve("/echo/ada")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
        runtime.invoker().invoke("BatchFunction", CRASH_EVENT.getBytes(StandardCharsets.UTF_8), HOSTILE);
        var jobs = runtime.endpoints().queues().get("JobsQueue");
        var deadLetters = runtime.endpoints().queues().get(DLQ);
        aws.sqs().sendMessageBatch(request -> request.queueUrl(jobs).entries(
                SendMessageBatchRequestEntry.builder().id("1").messageBody("please fail, one").build(),
                SendMessageBatchRequestEntry.builder().id("2").messageBody("please fail, two").build()));
        await("both messages in the dead-letter queue", () -> messages(deadLetters) == 2);
        // A build and a video, as the pipelines record them.
        var now = Instant.now();
        aws.dynamoDb().putItem(request -> request.tableName(runtime.endpoints().tables().get("BuildsTable")).item(Map.of(
                "id", string("build-1"), "repo", string("octo/site"), "ref", string("refs/heads/main"),
                "sha", string("0123456789abcdef0123"), "status", string("SUCCESS"),
                "created", number(now.toEpochMilli()))));
        aws.dynamoDb().putItem(request -> request.tableName(runtime.endpoints().tables().get("VideosTable")).item(Map.of(
                "id", string("video-1"), "status", string("READY"), "created", number(now.getEpochSecond()),
                "updated", number(now.getEpochSecond()),
                "upload", AttributeValue.fromM(Map.of("key", string("uploads/cat.mp4"))),
                "renditions", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("name", string("720p"))))))));

        chromium.navigate(runtime.endpoints().console());

        // Functions, with what their invocations came to.
        chromium.waitFor("document.querySelector('#functions tr[data-function=\"EchoFunction\"] [data-count=\"OK\"]')"
                + "?.textContent === '1'");
        assertThat(chromium.evaluate("document.querySelector('#functions tr[data-function=\"BatchFunction\"] "
                + "[data-count=\"ERROR\"]').textContent").asText()).isEqualTo("1");

        // Invocations, with outcome and duration.
        chromium.waitFor("document.querySelectorAll('#invocations tr[data-invocation]').length >= 3");
        var invocations = chromium.evaluate("""
                Array.from(document.querySelectorAll('#invocations tr[data-invocation]')).map(row => ({
                  function: row.dataset.function,
                  outcome: row.querySelector('[data-outcome]').textContent,
                  duration: row.querySelector('[data-duration-ms]').textContent,
                  text: row.textContent }))""");
        var seen = new ArrayList<String>();
        invocations.forEach(row -> seen.add(row.path("function").asText() + " " + row.path("outcome").asText()));
        assertThat(seen).contains("EchoFunction OK", "BatchFunction ERROR");
        invocations.forEach(row -> assertThat(row.path("duration").asText()).matches("\\d+ ms"));
        // Values are text, never markup.
        assertThat(invocations.toString()).contains("onerror");
        assertThat(chromium.evaluate("document.querySelectorAll('main img').length").asInt()).isZero();
        assertThat(chromium.evaluate("window.injected === undefined").asBoolean()).isTrue();

        // The dead-letter queue stands out, with its count.
        var dlqRow = "#queues tr[data-queue=\"" + DLQ + "\"]";
        chromium.waitFor("document.querySelector('" + dlqRow + " [data-dead-letters=\"2\"]')");
        assertThat(chromium.evaluate("document.querySelector('" + dlqRow + "').dataset.deadLetterQueue").asText())
                .isEqualTo("true");
        assertThat(chromium.evaluate("document.querySelector('#queues tr[data-queue=\"JobsQueue\"]').dataset.deadLetterQueue")
                .asText()).isEqualTo("false");

        // Its messages, with why they failed.
        chromium.evaluate("document.querySelector('button[data-show-messages=\"" + DLQ + "\"]').click()");
        chromium.waitFor("document.querySelectorAll('[data-messages-of=\"" + DLQ + "\"] tr[data-dead-letter]').length === 2");
        var reasons = chromium.evaluate("Array.from(document.querySelectorAll('[data-messages-of=\"" + DLQ + "\"] "
                + "[data-failure-reason]')).map(cell => cell.textContent)");
        reasons.forEach(reason -> assertThat(reason.asText()).contains("The message asked to fail"));
        assertThat(chromium.evaluate("document.querySelector('button[data-show-messages=\"" + DLQ + "\"]')"
                + ".getAttribute('aria-expanded')").asText()).isEqualTo("true");

        // Builds and videos.
        chromium.waitFor("document.querySelector('#builds tr[data-build=\"build-1\"] [data-status]')?.textContent === 'SUCCESS'");
        assertThat(chromium.evaluate("document.querySelector('#builds tr[data-build=\"build-1\"]').textContent").asText())
                .contains("octo/site", "refs/heads/main");
        chromium.waitFor("document.querySelector('#videos tr[data-video=\"video-1\"] [data-status]')?.textContent === 'READY'");
        assertThat(chromium.evaluate("document.querySelector('#videos tr[data-video=\"video-1\"]').textContent").asText())
                .contains("uploads/cat.mp4", "720p");

        // The functions' errors, with the exception.
        chromium.waitFor("Array.from(document.querySelectorAll('#errors tbody tr')).some(row => "
                + "row.textContent.includes('The message asked to fail'))");

        // Redrive: the messages go back to JobsQueue, whose function gets them again (and fails them
        // again: after a visibility timeout they return to the dead-letter queue, so the test looks
        // at the deliveries, not at a moment when both queues hold what it expects).
        var deliveriesBefore = sqsInvocations();
        chromium.evaluate("document.querySelector('button[data-redrive=\"" + DLQ + "\"]').click()");
        chromium.waitFor("document.getElementById('status').dataset.redriven === '" + DLQ + "'");
        assertThat(chromium.evaluate("document.getElementById('status').textContent").asText())
                .contains("from " + DLQ + " to JobsQueue");
        await("the dead letters delivered from JobsQueue again", () -> sqsInvocations() > deliveriesBefore);
        assertThat(messages(deadLetters) + messages(jobs)).as("nothing lost on the way").isEqualTo(2);

        // JobsQueue's poller holds them now, so the runtime knows its oldest age; nobody polls the DLQ.
        await("JobsQueue's age known", () -> ages().path("JobsQueue").isNumber());
        assertThat(ages().has(DLQ)).isFalse();

        assertThat(chromium.pageErrors()).isEmpty();
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** The runtime's queue ages, from the console's API. */
    private static JsonNode ages() {
        return consoleApi("api/ages");
    }

    /** How many invocations an SQS poller made, from the console's API. */
    private static long sqsInvocations() {
        var invocations = consoleApi("api/invocations?limit=500");
        var count = 0L;
        for (var invocation : invocations) {
            if ("sqs".equals(invocation.path("trigger").asText())) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode consoleApi(String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return Json.tree(http.send(HttpRequest.newBuilder(runtime.endpoints().console().resolve(path)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Visible and in flight. */
    private static long messages(String queueUrl) {
        var attributes = aws.sqs().getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Never saw " + what);
            }
            Thread.sleep(100);
        }
    }
}
