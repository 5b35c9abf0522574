package dev.offstage.ops.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** Against a protocol fake of CloudWatch's smithy-rpcv2-cbor, the protocol the SDK's client speaks. */
class CloudWatchQueueAgesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final Map<String, String> QUEUES = Map.of(
            "BuildsQueue", "https://sqs.eu-west-1.amazonaws.com/123456789012/offstage-BuildsQueue-ABC",
            "PostsQueue", "https://sqs.eu-west-1.amazonaws.com/123456789012/offstage-PostsQueue-DEF");

    private ProtocolFake fake;
    private AwsClients aws;
    private CloudWatchClient cloudWatch;

    @AfterEach
    void close() {
        cloudWatch.close();
        aws.close();
        fake.close();
    }

    @Test
    void eachQueueGetsItsLatestMaximumAgeFromOneCall() throws IOException {
        start(request -> cbor(200, Map.of("MetricDataResults", List.of(
                Map.of("Id", "q0", "Label", "ApproximateAgeOfOldestMessage", "StatusCode", "Complete",
                        "Timestamps", List.of(NOW.minusSeconds(60), NOW.minusSeconds(120)), "Values", List.of(192.0, 131.0)),
                Map.of("Id", "q1", "Label", "ApproximateAgeOfOldestMessage", "StatusCode", "Complete",
                        "Timestamps", List.of(), "Values", List.of())))));

        var ages = new CloudWatchQueueAges(cloudWatch, Clock.fixed(NOW, ZoneOffset.UTC)).oldestAgeSeconds(QUEUES);

        assertThat(ages).containsExactly(Map.entry("BuildsQueue", 192L));
        assertThat(fake.requests).singleElement().satisfies(request -> {
            assertThat(request.path()).endsWith("/operation/GetMetricData");
            @SuppressWarnings("unchecked")
            var body = (Map<String, Object>) Cbor.read(request.body());
            assertThat(body).containsEntry("ScanBy", "TimestampDescending");
            @SuppressWarnings("unchecked")
            var queries = (List<Map<String, Object>>) body.get("MetricDataQueries");
            assertThat(queries).hasSize(2);
            assertThat(queries.getFirst().toString()).contains("Id=q0", "Namespace=AWS/SQS",
                    "MetricName=ApproximateAgeOfOldestMessage", "Name=QueueName", "Value=offstage-BuildsQueue-ABC",
                    "Stat=Maximum", "Period=60");
            assertThat(queries.get(1).toString()).contains("Id=q1", "Value=offstage-PostsQueue-DEF");
        });
    }

    @Test
    void noAgeIsKnownWhenCloudWatchRefuses() throws IOException {
        start(request -> cbor(400, Map.of("__type", "com.amazonaws.cloudwatch#AccessDenied", "message", "not authorized")));

        assertThat(new CloudWatchQueueAges(cloudWatch, Clock.fixed(NOW, ZoneOffset.UTC)).oldestAgeSeconds(QUEUES)).isEmpty();
    }

    private void start(java.util.function.Function<ProtocolFake.Request, ProtocolFake.Response> responder) throws IOException {
        fake = new ProtocolFake(responder);
        aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test", "AWS_ENDPOINT_URL_CLOUDWATCH", fake.uri().toString())));
        cloudWatch = aws.configure(CloudWatchClient.builder(), "CLOUDWATCH").build();
    }

    private static ProtocolFake.Response cbor(int status, Object body) {
        return new ProtocolFake.Response(status, "application/cbor", Cbor.write(body));
    }
}
