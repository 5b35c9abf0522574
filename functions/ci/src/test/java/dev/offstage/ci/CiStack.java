package dev.offstage.ci;

import dev.offstage.ci.build.BuildStore;
import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code template.yaml}'s resources, provisioned in the emulators as the local runtime does it,
 * and each CI function's logic built from exactly the environment the template gives the
 * function: in-process tests run the configuration users deploy, not a second copy of it.
 */
public final class CiStack extends ProvisionedStack {

    public static final Path TEMPLATE = Path.of("template.yaml");

    public final Clock clock;

    /** The template with its defaults, on a test clock. */
    public CiStack(Emulators emulators) {
        this(emulators, Map.of(), new TestClock(Instant.parse("2026-11-27T08:00:00Z")));
    }

    public CiStack(Emulators emulators, Map<String, String> parameterOverrides, Clock clock) {
        super(emulators, TEMPLATE, parameterOverrides);
        this.clock = clock;
    }

    /** The function's logic, built the way its handler builds it. */
    public CiSetup setup(String functionLogicalId) {
        return new CiSetup(environment(functionLogicalId), aws, clock);
    }

    /** The test clock, for stacks made with one. */
    public TestClock testClock() {
        return (TestClock) clock;
    }

    public BuildStore buildStore() {
        return new BuildStore(aws.dynamoDb(), resources.table("BuildsTable").name(), Duration.ofDays(90));
    }
}
