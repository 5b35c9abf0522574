package dev.offstage.local.model;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** One entry of a function's {@code Events}: what triggers it. */
public sealed interface EventSource {

    /** The event's name in the template (the key under {@code Events}). */
    String name();

    /**
     * {@code Type: HttpApi}: {@code method} is upper case or {@code ANY}; {@code path} is a route
     * path such as {@code /builds/{id}} or {@code /files/{proxy+}}, or {@code $default} for the
     * catch-all route (then method is {@code ANY}).
     */
    record HttpApi(String name, String method, String path) implements EventSource {}

    /**
     * {@code Type: SQS}: the event source mapping.
     *
     * @param maximumConcurrency {@code ScalingConfig.MaximumConcurrency}, when set
     */
    record Sqs(String name, String queueLogicalId, int batchSize, Duration maximumBatchingWindow,
            boolean reportBatchItemFailures, OptionalInt maximumConcurrency, boolean enabled) implements EventSource {}

    /**
     * {@code Type: S3}: notifications from a bucket of this template.
     *
     * @param events e.g. {@code s3:ObjectCreated:*}, {@code s3:ObjectCreated:Put}
     * @param prefix {@code Filter.S3Key.Rules} prefix, empty for none
     * @param suffix {@code Filter.S3Key.Rules} suffix, empty for none
     */
    record S3(String name, String bucketLogicalId, List<String> events, String prefix, String suffix) implements EventSource {
        public S3 {
            events = List.copyOf(events);
        }
    }
}
