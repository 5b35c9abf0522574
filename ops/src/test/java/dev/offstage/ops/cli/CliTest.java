package dev.offstage.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.OpsFixture;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** scripts/offstage against the local runtime's shape: an endpoints file, the emulators, the runtime's console API. */
@ExtendWith(EmulatorsExtension.class)
class CliTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final Emulators emulators;
    private final OpsFixture fixture;
    private final RuntimeConsoleFake runtime;
    private final Path endpoints;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    CliTest(Emulators emulators, @TempDir Path directory) throws IOException {
        this.emulators = emulators;
        this.fixture = new OpsFixture(emulators);
        this.runtime = new RuntimeConsoleFake();
        this.endpoints = directory.resolve("endpoints.json");
        writeEndpoints(runtime.uri());
    }

    @AfterEach
    void close() {
        runtime.close();
        fixture.close();
    }

    @Test
    void statusShowsQueuesBuildsVideosAndErrorsInAlignedTables() {
        fixture.send("WorkQueue", "job");
        runtime.ages.put("WorkQueue", 192L);
        fixture.putBuild("b-1", "octo/app", "SUCCESS", NOW.minusSeconds(600));
        fixture.putVideo("v-1", "READY", NOW.minusSeconds(300), List.of("360p", "720p"), null);
        runtime.errors.add(new ErrorLine(NOW.minusSeconds(30), "WorkFunction", "req-1", "SQS message m-1 failed (receive count 3)"));

        assertThat(run("--endpoints", endpoints.toString())).isZero();

        var text = out();
        assertThat(text).startsWith("Offstage — local runtime (" + endpoints + ")");
        assertThat(text).containsPattern("QUEUE +WAITING +IN FLIGHT +DELAYED +OLDEST +REDRIVE");
        assertThat(text).containsPattern("WorkQueue +1 +0 +0 +3m12s +→ WorkDeadLetterQueue");
        assertThat(text).containsPattern("WorkDeadLetterQueue +0 +0 +0 +- +dead letters of WorkQueue");
        assertThat(text).containsPattern("SUCCESS +octo/app +refs/heads/main +0123456 +10m00s ago +42s +b-1");
        assertThat(text).containsPattern("READY +v-1 +5m00s ago +1m00s +360p,720p +uploads/v-1.mp4");
        assertThat(text).containsPattern("30s ago +WorkFunction +req-1 +SQS message m-1 failed");
        assertAligned(text, "QUEUE", "WorkQueue", "WorkDeadLetterQueue", "PlainQueue");
    }

    @Test
    void statusSaysUnknownWhereTheRuntimeDoesNotAnswer() throws IOException {
        fixture.send("WorkQueue", "job");
        writeEndpoints(URI.create("http://127.0.0.1:" + closedPort()));

        assertThat(run("status", "--endpoints", endpoints.toString())).isZero();

        assertThat(out()).containsPattern("WorkQueue +1 +0 +0 +unknown");
        assertThat(out()).contains("Last errors\n  unknown: The local runtime does not answer");
    }

    @Test
    void queuesAsJson() {
        fixture.send("WorkDeadLetterQueue", "dead");

        assertThat(run("queues", "--json", "--endpoints", endpoints.toString())).isZero();

        var json = Json.tree(out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(3);
        var dlq = json.get(1);
        assertThat(dlq.get("logicalId").asText()).isEqualTo("WorkDeadLetterQueue");
        assertThat(dlq.get("visible").asLong()).isEqualTo(1);
        assertThat(dlq.get("sources").get(0).asText()).isEqualTo("WorkQueue");
        assertThat(json.get(2).get("deadLetterQueue").asText()).isEqualTo("WorkDeadLetterQueue");
    }

    @Test
    void dlqListsTheMessagesWithTheReasonTheRuntimeLogged() {
        var id = fixture.send("WorkDeadLetterQueue", "{\"postId\":\"p-1\"}");
        runtime.byMessage.put(id, List.of(new ErrorLine(NOW, "WorkFunction", "req-9",
                "SQS message " + id + " failed (receive count 3); reported for retry — java.lang.IllegalStateException: no author")));

        assertThat(run("dlq", "WorkDeadLetterQueue", "--max", "5", "--endpoints", endpoints.toString())).isZero();

        assertThat(out()).containsPattern("MESSAGE ID +AGE +RECEIVES +BODY +REASON");
        assertThat(out()).contains(id, "{\"postId\":\"p-1\"}", "IllegalStateException");
        assertThat(fixture.visible("WorkDeadLetterQueue")).isEqualTo(1);
    }

    @Test
    void unknownQueueListsTheValidOnes() {
        assertThat(run("dlq", "Nope", "--endpoints", endpoints.toString())).isEqualTo(2);

        assertThat(err()).contains("Unknown queue 'Nope'; the queues are: PlainQueue, WorkDeadLetterQueue, WorkQueue");
    }

    @Test
    void redriveOfAQueueThatIsNoDeadLetterQueueIsRefused() {
        assertThat(run("redrive", "PlainQueue", "--endpoints", endpoints.toString())).isEqualTo(2);

        assertThat(err()).contains("PlainQueue is not a dead-letter queue", "the dead-letter queues are: WorkDeadLetterQueue");
    }

    @Test
    void redriveWithWaitFollowsTheTaskUntilTheMessagesAreBack() {
        fixture.send("WorkDeadLetterQueue", "one");
        fixture.send("WorkDeadLetterQueue", "two");

        assertThat(run("redrive", "WorkDeadLetterQueue", "--wait", "--endpoints", endpoints.toString())).isZero();

        assertThat(out()).startsWith("Moving 2 message(s) from WorkDeadLetterQueue back to WorkQueue (task ");
        assertThat(out()).contains("COMPLETED");
        assertThat(fixture.visible("WorkDeadLetterQueue")).isZero();
        assertThat(fixture.visible("WorkQueue")).isEqualTo(2);
    }

    @Test
    void buildsVideosAndErrorsHonourTheirLimit() {
        for (int i = 0; i < 4; i++) {
            fixture.putBuild("b-" + i, "octo/app", "SUCCESS", NOW.minusSeconds(60L * i));
            fixture.putVideo("v-" + i, "PROCESSING", NOW.minusSeconds(60L * i), List.of(), null);
            runtime.errors.add(new ErrorLine(NOW.minusSeconds(i), "WorkFunction", null, "error " + i));
        }

        assertThat(run("builds", "--limit", "2", "--json", "--endpoints", endpoints.toString())).isZero();
        assertThat(Json.tree(out()).size()).isEqualTo(2);
        assertThat(Json.tree(out()).get(0).get("id").asText()).isEqualTo("b-0");
        out.reset();
        assertThat(run("videos", "--limit", "3", "--endpoints", endpoints.toString())).isZero();
        assertThat(out().lines()).hasSize(4);
        out.reset();
        assertThat(run("errors", "--limit", "1", "--endpoints", endpoints.toString())).isZero();
        assertThat(out().lines()).hasSize(2).last().asString().contains("error 0");
    }

    @Test
    void errorsFailWhenTheRuntimeDoesNotAnswer() throws IOException {
        writeEndpoints(URI.create("http://127.0.0.1:" + closedPort()));

        assertThat(run("errors", "--endpoints", endpoints.toString())).isEqualTo(1);

        assertThat(err()).contains("the logs cannot be read");
    }

    @Test
    void aQueueTheEmulatorDoesNotKnowIsReportedAsRefused() throws IOException {
        var json = Json.tree(Files.readString(endpoints));
        var sqs = json.get("endpoints").get("sqs").asText();
        Files.writeString(endpoints, Files.readString(endpoints).replace("\"queues\":{", "\"queues\":{\"GoneQueue\":\""
                + sqs + "/000000000000/gone-queue\","));

        assertThat(run("queues", "--endpoints", endpoints.toString())).isEqualTo(1);

        assertThat(err()).contains("refused");
    }

    @Test
    void noEndpointsFileSaysToStartTheRuntime(@TempDir Path empty) {
        assertThat(run("queues", "--endpoints", empty.resolve("endpoints.json").toString())).isEqualTo(1);

        assertThat(err()).contains("start scripts/dev first");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("dlq")).isEqualTo(2);
        assertThat(err()).contains("dlq needs a dead-letter queue's logical id");
        assertThat(run("builds", "--max", "3")).isEqualTo(2);
        assertThat(run("dlq", "Q", "--max", "0")).isEqualTo(2);
        assertThat(err()).contains("--max must be a number from 1 to 1000, was '0'");
        assertThat(run("queues", "--colour")).isEqualTo(2);
        assertThat(err()).contains("Unknown option --colour");
        assertThat(run("--stack", "s", "--endpoints", "f")).isEqualTo(2);
        assertThat(run("queues", "--region", "eu-west-1")).isEqualTo(2);
        assertThat(out()).isEmpty();
    }

    @Test
    void helpPrintsTheCommands() {
        assertThat(run("--help")).isZero();

        assertThat(out()).contains("usage: scripts/offstage", "dlq QUEUE [--max N]", "exit codes");
    }

    private int run(String... args) {
        var cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Main::open, Clock.fixed(NOW, ZoneOffset.UTC));
        return cli.run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Every row starts its second column where the header's does. */
    private static void assertAligned(String text, String header, String... rows) {
        var lines = text.lines().toList();
        var headerLine = lines.stream().filter(line -> line.startsWith(header + " ")).findFirst().orElseThrow();
        int column = headerLine.indexOf(' ', header.length());
        while (headerLine.charAt(column) == ' ') {
            column++;
        }
        for (var row : rows) {
            var line = lines.stream().filter(l -> l.startsWith(row + " ")).findFirst().orElseThrow();
            assertThat(line.charAt(column - 1)).as(line).isEqualTo(' ');
        }
    }

    private void writeEndpoints(URI httpApi) throws IOException {
        var env = emulators.environment();
        var json = new LinkedHashMap<String, Object>();
        json.put("httpApi", httpApi.toString());
        json.put("region", Emulators.REGION);
        json.put("backend", "local");
        json.put("endpoints", Map.of("sqs", env.get("AWS_ENDPOINT_URL_SQS"), "dynamodb", env.get("AWS_ENDPOINT_URL_DYNAMODB")));
        json.put("credentials", Map.of("accessKeyId", env.get("AWS_ACCESS_KEY_ID"), "secretAccessKey", env.get("AWS_SECRET_ACCESS_KEY")));
        json.put("functions", fixture.deployment().functions());
        json.put("queues", fixture.deployment().queues());
        json.put("tables", fixture.deployment().tables());
        json.put("buckets", Map.of());
        Files.writeString(endpoints, Json.write(json));
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
