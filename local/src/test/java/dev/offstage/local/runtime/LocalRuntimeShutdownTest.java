package dev.offstage.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.ChildProcesses;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stopping the runtime stops everything it started. */
class LocalRuntimeShutdownTest {

    @Test
    void closeLeavesNoFunctionOrEmulatorProcessBehind() throws Exception {
        var before = ChildProcesses.now();
        var runtime = LocalRuntime.start(LocalRuntimeOptions.of(LocalRuntimeEndToEndTest.TEMPLATE).withHttpPort(0));
        var api = runtime.endpoints().httpApi();
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()) {
            try {
                var echo = http.send(HttpRequest.newBuilder(api.resolve("/echo/shutdown")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(echo.statusCode()).isEqualTo(200);
                // One execution environment per function, started with the runtime.
                assertThat(ChildProcesses.functionEnvironmentsStartedSince(before)).hasSize(4);
            } finally {
                runtime.close();
            }

            assertThat(ChildProcesses.functionEnvironmentsStartedSince(before)).isEmpty();
            assertThat(ChildProcesses.startedSince(before)).isEmpty();
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(api.resolve("/echo/again")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
        }
    }
}
