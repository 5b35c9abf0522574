package dev.offstage.posts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.offstage.posts.PostsStack;
import dev.offstage.posts.api.AnalyticsApi;
import dev.offstage.posts.api.ModerationApi;
import dev.offstage.posts.api.SearchApi;
import dev.offstage.posts.event.InvalidPostEventException;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.posts.intake.PostIntake;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.LogCapture;
import dev.offstage.testing.fuzz.Fuzz;
import dev.offstage.testing.fuzz.Gen;
import dev.offstage.testing.fuzz.HostileBody;
import dev.offstage.testing.fuzz.HostileHeaders;
import dev.offstage.testing.fuzz.HostileJson;
import dev.offstage.testing.fuzz.HostileText;
import dev.offstage.testing.fuzz.HttpEvents;
import dev.offstage.testing.fuzz.SafeAnswers;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The posts pipeline's entry points fed hostile input ({@link Fuzz}): POST /posts, GET /search,
 * POST /moderation/{postId}, the analytics API, and the post event parser every posts consumer
 * uses. Bad input gets a 4xx in the one error format, never a 5xx or a stack trace, and neither
 * queues nor writes anything.
 */
@Tag("fuzz")
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostsEntryPointsFuzzTest {

    private static final byte[] POST_BODY = HttpEvents.sampleBody(PostsStack.API_POST);
    private static final String MODERATION_BODY = "{\"spam\":true,\"moderator\":\"mod-1\",\"note\":\"fuzz\",\"requestId\":\"fuzz-1\"}";

    private PostsStack stack;
    private PostIntake intake;
    private SearchApi search;
    private ModerationApi moderation;
    private AnalyticsApi analytics;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new PostsStack(emulators);
        intake = stack.setup("PostsIntakeFunction").intake();
        search = stack.setup("PostsSearchFunction").searchApi();
        moderation = stack.setup("PostsModerationFunction").moderationApi();
        analytics = stack.setup("PostsAnalyticsApiFunction").analyticsApi();
        // Searches that find something go past the early exits.
        var index = stack.setup("PostsIndexFunction").indexConsumer();
        assertThat(PostsStack.settle(PostsStack.sqs(PostsStack.SQS_SPAM),
                batch -> index.process(batch, PostsStack.context("PostsIndexFunction")), 5)).isEmpty();
    }

    @AfterAll
    void close() {
        stack.close();
    }

    private record Request(HostileBody body, HostileHeaders.Variant headers, HttpEvents.Encoding encoding) {}

    private static Gen<Request> requests(String file, String sampleBody) {
        var bodies = HostileJson.variantsOf(sampleBody);
        var headers = HostileHeaders.variantsOf(HttpEvents.load(file).getHeaders());
        var encodings = HttpEvents.encodings();
        return random -> new Request(bodies.next(random), headers.next(random), encodings.next(random));
    }

    @Test
    void hostilePostsAreRejectedAndQueueNothing() {
        LogCapture.start();
        var accepted = new int[1];

        Fuzz.forAll("POST /posts", requests(PostsStack.API_POST, new String(POST_BODY, StandardCharsets.UTF_8)), request -> {
            var event = HttpEvents.of(PostsStack.API_POST, request.body().bytes(), request.headers().headers(), request.encoding());

            var response = ApiResponses.handle(event, intake::receive);

            SafeAnswers.assertSafe(response);
            assertThat(response.getStatusCode()).as(response.getBody()).isIn(202, 400, 413);
            if (response.getStatusCode() == 202) {
                accepted[0]++;
            }
        });

        SafeAnswers.assertLogsClean(LogCapture.lines());
        assertThat(stack.drain("PostsQueue")).hasSize(accepted[0]);
    }

    @Test
    void hostileSearchesNeverFail() {
        var texts = HostileText.strings();
        var names = Gen.pick(List.of("q", "q", "limit", "cursor", "lang"));
        Gen<Map<String, String>> queries = random -> {
            var query = new HashMap<String, String>();
            query.put("q", random.nextBoolean() ? "kotlin coroutines" : texts.next(random));
            for (var i = random.nextInt(4); i > 0; i--) {
                query.put(names.next(random), texts.next(random));
            }
            return query;
        };

        Fuzz.forAll("GET /search", queries, query -> {
            var response = ApiResponses.handle(PostsStack.search(query), search::search);

            SafeAnswers.assertSafe(response);
        });
    }

    @Test
    void hostileModerationIsRejectedAndWritesNothing() {
        var before = stack.contents();
        LogCapture.start();
        var texts = HostileText.strings();
        var bodies = requests(PostsStack.API_POST, MODERATION_BODY);
        record Moderation(String postId, Request request) {}
        Gen<Moderation> inputs = random -> new Moderation(random.nextBoolean() ? "never-seen-post" : texts.next(random), bodies.next(random));

        Fuzz.forAll("POST /moderation/{postId}", inputs, input -> {
            var event = HttpEvents.of(PostsStack.API_POST, input.request().body().bytes(), input.request().headers().headers(),
                    input.request().encoding());
            event.setRawPath("/moderation/" + input.postId());
            event.setPathParameters(Map.of("postId", input.postId()));

            var response = ApiResponses.handle(event, moderation::moderate);

            SafeAnswers.assertSafe(response);
            assertThat(response.getStatusCode()).as(response.getBody()).isIn(400, 404);
        });

        SafeAnswers.assertLogsClean(LogCapture.lines());
        assertThat(stack.contents()).isEqualTo(before);
    }

    @Test
    void hostileAnalyticsRequestsNeverFail() {
        var texts = HostileText.strings();
        var names = Gen.pick(List.of("hours", "limit", "days"));
        record Analytics(String authorId, Map<String, String> query) {}
        Gen<Analytics> inputs = random -> {
            var query = new HashMap<String, String>();
            for (var i = random.nextInt(4); i > 0; i--) {
                query.put(names.next(random), texts.next(random));
            }
            return new Analytics(random.nextBoolean() ? null : texts.next(random), query);
        };

        Fuzz.forAll("GET /analytics", inputs, input -> {
            APIGatewayV2HTTPEvent event = input.authorId() == null
                    ? PostsStack.get("/analytics/trending", "/analytics/trending", Map.of(), input.query())
                    : PostsStack.get("/analytics/authors/{id}", "/analytics/authors/x", Map.of("id", input.authorId()), input.query());

            var response = ApiResponses.handle(event, analytics::respond);

            SafeAnswers.assertSafe(response);
        });
    }

    @Test
    void postEventBodiesParseOrAreRejectedAsInvalidEvents() {
        var bodies = Gen.oneOf(HostileJson.variantsOf(new String(POST_BODY, StandardCharsets.UTF_8)), HostileJson::randomBytes);

        Fuzz.forAll("post event parser", bodies, body -> {
            for (var parse : List.<Runnable>of(() -> PostEventFormat.parse(body.bytes()), () -> PostEvent.parse(body.text()))) {
                var outcome = catchThrowable(parse::run);

                assertThat(outcome).as("the parser's answer").satisfiesAnyOf(
                        thrown -> assertThat(thrown).isNull(),
                        thrown -> assertThat(thrown).isExactlyInstanceOf(InvalidPostEventException.class));
            }
        });
    }
}
