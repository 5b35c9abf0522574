package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.function;

import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A local runtime in a process of its own, for {@link EnvironmentLifetimeTest}: starts one
 * environment, holds it busy in a handler (which waits 30 s for a release that never comes),
 * prints its pid, then waits to be killed — and exits by itself after two minutes should nobody
 * do it.
 */
public final class RuntimeThatDies {

    static final String PID_LINE = "ENVIRONMENT_PID=";

    private RuntimeThatDies() {}

    public static void main(String[] args) throws InterruptedException {
        var directory = Path.of(args[0]);
        var code = FixtureFunctions.codeModule(directory);
        var lambda = LambdaService.create(FixtureFunctions.application(function(code, "Gate", "GateHandler")),
                FixtureFunctions.platformEnvironment(), LambdaSettings.defaults());
        var started = directory.resolve("started");
        var event = Json.write(Map.of("started", started.toString(), "release", directory.resolve("never").toString()));
        Thread.ofPlatform().daemon().start(() -> lambda.invoke("Gate", event.getBytes(StandardCharsets.UTF_8)));
        var deadline = Instant.now().plusSeconds(60);
        while (!Files.exists(started) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        // The environment is this process's only child.
        ProcessHandle.current().children().forEach(child -> System.out.println(PID_LINE + child.pid()));
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(2));
    }
}
