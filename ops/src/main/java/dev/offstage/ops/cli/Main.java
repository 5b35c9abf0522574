package dev.offstage.ops.cli;

import dev.offstage.ops.ConsoleSession;
import dev.offstage.ops.aws.StackConsole;
import dev.offstage.ops.local.LocalConsole;
import dev.offstage.shared.config.Environment;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Entry point of {@code scripts/offstage}. The console's output goes to the real standard output;
 * {@code System.out} is pointed at standard error first, so that log lines (the toolkit's logger
 * writes to {@code System.out}) never mix with tables or {@code --json}.
 */
public final class Main {

    /** The endpoints file when --endpoints is not given; scripts/offstage sets it to the repository's. */
    static final String ENDPOINTS_PROPERTY = "offstage.endpoints";

    private Main() {}

    public static void main(String[] args) {
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        var cli = new Cli(out, System.err, Main::open, Clock.systemUTC());
        int code = cli.run(List.of(args));
        out.flush();
        System.exit(code);
    }

    static ConsoleSession open(CommandLine line) {
        if (line.stack() != null) {
            var variables = new HashMap<>(System.getenv());
            var region = line.region() != null ? line.region() : regionFromEnvironmentOrProfile(variables);
            variables.put("AWS_REGION", region);
            return StackConsole.open(line.stack(), Environment.of(variables), Clock.systemUTC());
        }
        var file = line.endpoints() != null ? line.endpoints()
                : Path.of(System.getProperty(ENDPOINTS_PROPERTY, ".offstage/endpoints.json"));
        return LocalConsole.open(file);
    }

    private static String regionFromEnvironmentOrProfile(java.util.Map<String, String> variables) {
        var region = variables.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            region = variables.get("AWS_DEFAULT_REGION");
        }
        if (region != null && !region.isBlank()) {
            return region;
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (SdkClientException e) {
            throw new UsageException("No region for --stack: pass --region, or set AWS_REGION or a profile's region");
        }
    }
}
