package dev.offstage.ops.local;

import dev.offstage.ops.ConsoleSession;
import dev.offstage.ops.OpsConsole;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The ops console on the local runtime ({@code scripts/dev}), found through its endpoints file. */
public final class LocalConsole {

    static final Duration RUNTIME_TIMEOUT = Duration.ofSeconds(5);

    private LocalConsole() {}

    /**
     * @throws NoLocalRuntimeException when there is no endpoints file
     * @throws IllegalArgumentException when the file is not an endpoints file
     */
    public static ConsoleSession open(Path endpointsFile) {
        var endpoints = EndpointsFile.read(endpointsFile);
        var aws = AwsClients.from(Environment.of(endpoints.environment()));
        var runtime = new RuntimeConsoleApi(endpoints.httpApi(), RUNTIME_TIMEOUT);
        var console = new OpsConsole(endpoints.deployment(), aws.sqs(), aws.dynamoDb(), runtime, runtime);
        return new ConsoleSession("local runtime (" + endpointsFile + ")", console, List.of(runtime, aws));
    }
}
