package dev.offstage.posts.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.posts.analytics.AnalyticsStore;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /analytics/trending?hours=&limit=} (top hashtags) and
 * {@code GET /analytics/authors/{id}?days=} (posts per day and in total). Exact counts of what
 * the analytics consumer has applied; see {@code dev.offstage.posts.analytics}.
 */
public final class AnalyticsApi {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final AnalyticsStore store;
    private final Clock clock;

    public AnalyticsApi(AnalyticsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public APIGatewayV2HTTPResponse respond(ApiRequest request) {
        var authorId = request.pathParameter("id");
        if (authorId.isPresent()) {
            if (!ID.matcher(authorId.get()).matches()) {
                throw ApiException.notFound("No such author");
            }
            var days = Parameters.integer(request, "days", 7, 1, AnalyticsStore.MAX_DAYS);
            return ApiResponses.json(200, store.author(authorId.get(), clock.instant(), days));
        }
        var hours = Parameters.integer(request, "hours", 24, 1, AnalyticsStore.MAX_HOURS);
        var limit = Parameters.integer(request, "limit", 10, 1, AnalyticsStore.MAX_LIMIT);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("hours", hours);
        answer.put("hashtags", store.trending(clock.instant(), hours, limit));
        return ApiResponses.json(200, answer);
    }
}
