package dev.offstage.posts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestClock;
import dev.offstage.testing.TestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code template.yaml}'s resources, provisioned in the emulators as the local runtime does it,
 * and each post function's logic built from exactly the environment the template gives it, fed
 * the sample events of {@code events/} (what {@code sam local invoke -e} sends).
 */
public final class PostsStack extends ProvisionedStack {

    public static final Path TEMPLATE = Path.of("template.yaml");

    public static final String API_POST = "events/posts-api-post.json";
    public static final String API_SEARCH = "events/posts-api-search.json";
    public static final String SQS_POSTS = "events/posts-sqs-posts.json";
    public static final String SQS_INDEX = "events/posts-sqs-index.json";
    public static final String SQS_SPAM = "events/posts-sqs-spam.json";
    public static final String SQS_ANALYTICS = "events/posts-sqs-analytics.json";

    /** An hour after the sample events happened. */
    public static final Instant NOW = Instant.parse("2026-11-27T10:30:00Z");

    public final Clock clock;

    /** The template with its defaults, on a test clock at {@link #NOW}. */
    public PostsStack(Emulators emulators) {
        super(emulators, TEMPLATE, Map.of());
        this.clock = new TestClock(NOW);
    }

    /** The function's logic, built the way its handler builds it. */
    public PostsSetup setup(String functionLogicalId) {
        return new PostsSetup(environment(functionLogicalId), aws, clock);
    }

    public static APIGatewayV2HTTPEvent http(String file) {
        return EventLoader.loadApiGatewayHttpEvent(file);
    }

    /** The sample {@code GET /search} reshaped into {@code GET path} with these parameters (the route's own names). */
    public static APIGatewayV2HTTPEvent get(String route, String path, Map<String, String> pathParameters, Map<String, String> query) {
        var event = http(API_SEARCH);
        route(event, "GET", route, path, pathParameters);
        event.setQueryStringParameters(query.isEmpty() ? null : new LinkedHashMap<>(query));
        event.setRawQueryString(query.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        return event;
    }

    /** The sample {@code GET /search} with these query parameters. */
    public static APIGatewayV2HTTPEvent search(Map<String, String> query) {
        return get("/search", "/search", Map.of(), query);
    }

    /** The sample {@code POST /posts} reshaped into {@code POST path} with this JSON body. */
    public static APIGatewayV2HTTPEvent post(String route, String path, Map<String, String> pathParameters, String body) {
        var event = http(API_POST);
        route(event, "POST", route, path, pathParameters);
        event.setBody(body);
        return event;
    }

    private static void route(APIGatewayV2HTTPEvent event, String method, String route, String path, Map<String, String> pathParameters) {
        event.setRouteKey(method + " " + route);
        event.setRawPath(path);
        event.getRequestContext().setRouteKey(method + " " + route);
        event.getRequestContext().getHttp().setPath(path);
        event.setPathParameters(pathParameters.isEmpty() ? null : new LinkedHashMap<>(pathParameters));
    }

    public static SQSEvent sqs(String file) {
        return EventLoader.loadSQSEvent(file);
    }

    /**
     * One delivery as Lambda's event source mapping makes it: receives a batch from the queue,
     * hands it to {@code consumer}, deletes what succeeded and makes the reported failures visible
     * again at once (rather than after the visibility timeout). Returns the batch, empty when the
     * queue was.
     */
    public SQSEvent deliver(String queueLogicalId, Function<SQSEvent, SQSBatchResponse> consumer) {
        var url = queueUrl(queueLogicalId);
        var received = aws.sqs().receiveMessage(receive -> receive.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        var records = new ArrayList<SQSEvent.SQSMessage>();
        for (var message : received) {
            var record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setAttributes(message.attributes().entrySet().stream()
                    .collect(Collectors.toMap(entry -> entry.getKey().toString(), Map.Entry::getValue)));
            record.setEventSource("aws:sqs");
            records.add(record);
        }
        var batch = new SQSEvent();
        batch.setRecords(records);
        if (records.isEmpty()) {
            return batch;
        }
        var failed = consumer.apply(batch).getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        for (var record : records) {
            if (failed.contains(record.getMessageId())) {
                aws.sqs().changeMessageVisibility(change -> change.queueUrl(url).receiptHandle(record.getReceiptHandle()).visibilityTimeout(0));
            } else {
                aws.sqs().deleteMessage(delete -> delete.queueUrl(url).receiptHandle(record.getReceiptHandle()));
            }
        }
        return batch;
    }

    /**
     * Processes the batch and then, as Lambda's redeliveries would, the messages it reported, until
     * none fails or {@code attempts} ran out; returns the ids that still failed. For consumers that
     * run a batch in parallel, where two events of one post can meet ({@code PostBusyException}).
     */
    public static List<String> settle(SQSEvent batch, Function<SQSEvent, SQSBatchResponse> consumer, int attempts) {
        var pending = batch.getRecords();
        for (var attempt = 1; attempt <= attempts && !pending.isEmpty(); attempt++) {
            var next = new SQSEvent();
            next.setRecords(pending);
            var failed = consumer.apply(next).getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
            pending = pending.stream().filter(record -> failed.contains(record.getMessageId())).toList();
        }
        return pending.stream().map(SQSEvent.SQSMessage::getMessageId).toList();
    }

    public static Context context(String functionLogicalId) {
        return TestContext.forFunction(functionLogicalId);
    }
}
