package dev.offstage.local.triggers;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.BucketSpec;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.local.model.QueueSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Small resolved applications for trigger tests: functions with events, queues and buckets. */
final class TestApplications {

    private TestApplications() {}

    static FunctionSpec function(String logicalId, EventSource... events) {
        return function(logicalId, AsyncConfig.LAMBDA_DEFAULTS, events);
    }

    static FunctionSpec function(String logicalId, AsyncConfig async, EventSource... events) {
        return function(logicalId, Duration.ofSeconds(1), async, events);
    }

    static FunctionSpec function(String logicalId, Duration timeout, AsyncConfig async, EventSource... events) {
        return new FunctionSpec(logicalId, "offstage-test-" + logicalId, "example.Handler", Path.of("."), "java25",
                512, timeout, Map.of(), OptionalInt.empty(), List.of(events), async, LoggingSettings.LAMBDA_DEFAULTS,
                FunctionSpec.SnapStart.NONE);
    }

    static Application application(List<FunctionSpec> functions, List<QueueSpec> queues, List<BucketSpec> buckets) {
        return new Application("offstage-test", Map.of(),
                byId(functions, FunctionSpec::logicalId), Map.of(),
                byId(queues, QueueSpec::logicalId), byId(buckets, BucketSpec::logicalId));
    }

    static Application application(FunctionSpec... functions) {
        return application(Arrays.asList(functions), List.of(), List.of());
    }

    private static <T> Map<String, T> byId(List<T> values, Function<T, String> id) {
        return values.stream().collect(Collectors.toMap(id, Function.identity()));
    }
}
