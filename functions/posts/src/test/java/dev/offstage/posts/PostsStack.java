package dev.offstage.posts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

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

    public static Context context(String functionLogicalId) {
        return TestContext.forFunction(functionLogicalId);
    }
}
