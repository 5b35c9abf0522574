package dev.offstage.posts.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.PostsStack;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad query parameters of {@code GET /search} and {@code GET /analytics/...}: a 400 naming the parameter. */
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParametersTest {

    private PostsStack stack;
    private SearchApi search;
    private AnalyticsApi analytics;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new PostsStack(emulators);
        search = stack.setup("PostsSearchFunction").searchApi();
        analytics = stack.setup("PostsAnalyticsApiFunction").analyticsApi();
    }

    @AfterAll
    void close() {
        stack.close();
    }

    private APIGatewayV2HTTPResponse search(Map<String, String> query) {
        return ApiResponses.handle(PostsStack.search(query), search::search);
    }

    private APIGatewayV2HTTPResponse trending(Map<String, String> query) {
        return ApiResponses.handle(PostsStack.get("/analytics/trending", "/analytics/trending", Map.of(), query), analytics::respond);
    }

    private APIGatewayV2HTTPResponse author(String id, Map<String, String> query) {
        return ApiResponses.handle(PostsStack.get("/analytics/authors/{id}", "/analytics/authors/" + id, Map.of("id", id), query),
                analytics::respond);
    }

    private static void assertBadParameter(APIGatewayV2HTTPResponse response, String name) {
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.at("/error/message").asText()).contains(name);
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void searchWithoutQueryIsABadRequest() {
        assertBadParameter(search(Map.of()), "q");
        assertBadParameter(search(Map.of("q", "  ")), "q");
    }

    @Test
    void searchWithAVeryLongQueryIsABadRequest() {
        assertBadParameter(search(Map.of("q", "a".repeat(1001))), "q");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "500", "51", "-1", "ten", "1.5", ""})
    void searchLimitOutOfRangeIsABadRequest(String limit) {
        assertBadParameter(search(Map.of("q", "spam", "limit", limit)), "limit");
    }

    // Not base64url; "null"; "[]"; offset -1; offset "x".
    @ParameterizedTest
    @ValueSource(strings = {"bogus!", "bnVsbA", "W10", "eyJvZmZzZXQiOi0xfQ", "eyJvZmZzZXQiOiJ4In0"})
    void searchWithACursorItDidNotMakeIsABadRequest(String cursor) {
        assertBadParameter(search(Map.of("q", "spam", "cursor", cursor)), "cursor");
    }

    @Test
    void searchWithAValidCursorIsOk() {
        assertThat(search(Map.of("q", "spam", "cursor", base64Url("{\"offset\":5}"))).getStatusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "xx", "PT-br", "en-", "-", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "zh-Hant-TW", "en\u0000"})
    void searchWithAnyLanguageIsNeverAServerError(String lang) {
        assertThat(search(Map.of("q", "spam", "lang", lang)).getStatusCode()).isIn(200, 400);
    }

    @Test
    void searchOfOnlyStopWordsFindsNothing() {
        var response = search(Map.of("q", "the and of"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).get("hits")).isEmpty();
    }

    @Test
    void searchOfAnEmptyIndexFindsNothing() {
        var response = ApiResponses.handle(PostsStack.http(PostsStack.API_SEARCH), search::search);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).get("hits")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "169", "-5", "a day", ""})
    void trendingHoursOutOfRangeIsABadRequest(String hours) {
        assertBadParameter(trending(Map.of("hours", hours)), "hours");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101"})
    void trendingLimitOutOfRangeIsABadRequest(String limit) {
        assertBadParameter(trending(Map.of("limit", limit)), "limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "367"})
    void authorDaysOutOfRangeIsABadRequest(String days) {
        assertBadParameter(author("ada", Map.of("days", days)), "days");
    }

    @Test
    void defaultsAreOk() {
        assertThat(trending(Map.of()).getStatusCode()).isEqualTo(200);
        assertThat(author("ada", Map.of()).getStatusCode()).isEqualTo(200);
    }

    @Test
    void malformedAuthorIdIsNotFound() {
        assertThat(author("not an id", Map.of()).getStatusCode()).isEqualTo(404);
    }
}
