package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalEmulatorsTest {

    @Test
    void closeEndsDynaliteAndForgetsItsShutdownHook() throws Exception {
        var emulators = LocalEmulators.start();
        var stopper = emulators.dynaliteStopper();
        // Registered while open: removing it answers true, and it goes back at once.
        assertThat(Runtime.getRuntime().removeShutdownHook(stopper)).isTrue();
        Runtime.getRuntime().addShutdownHook(stopper);

        emulators.close();

        assertThat(Runtime.getRuntime().removeShutdownHook(stopper)).as("hook still registered after close()").isFalse();
    }

    @Test
    void dynaliteOutlivesAClientThatHangsUpMidRequest() throws Exception {
        try (var emulators = LocalEmulators.start(); var http = HttpClient.newHttpClient()) {
            var endpoint = emulators.dynamoDbEndpoint();
            try (var socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                OutputStream out = socket.getOutputStream();
                // Promises 1,000 bytes of body, sends 10, hangs up: the request is aborted.
                out.write(("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
                        + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Limit\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            Thread.sleep(200);

            // Unsigned, so dynalite refuses it: any DynamoDB answer shows it is still serving.
            var answer = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains("__type");
        }
    }

    @Test
    void startedLifecycleIsAwaited() throws InterruptedException {
        Iterator<String> states = List.of("STARTING", "STARTING", "STARTED").iterator();

        LocalEmulators.awaitStarted("S3Proxy", states::next, Duration.ofSeconds(5));

        assertThat(states.hasNext()).isFalse();
    }

    @Test
    void failedLifecycleFailsTheStartAtOnce() {
        assertThatThrownBy(() -> LocalEmulators.awaitStarted("S3Proxy", () -> "FAILED", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("S3Proxy failed to start");
    }

    @Test
    void lifecycleThatNeverStartsFailsAtTheDeadline() {
        assertThatThrownBy(() -> LocalEmulators.awaitStarted("S3Proxy", () -> "STARTING", Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start within")
                .hasMessageContaining("state STARTING");
    }
}
