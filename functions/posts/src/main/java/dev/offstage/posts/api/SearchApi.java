package dev.offstage.posts.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.posts.index.SearchIndex;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.util.LinkedHashMap;

/**
 * {@code GET /search?q=&limit=&cursor=&lang=}: ranked post ids with snippets, never deleted or
 * spam posts. At most {@link SearchIndex#MAX_REQUESTS_PER_SEARCH} DynamoDB requests per query.
 */
public final class SearchApi {

    static final int DEFAULT_LIMIT = 10;

    private final SearchIndex index;

    public SearchApi(SearchIndex index) {
        this.index = index;
    }

    public APIGatewayV2HTTPResponse search(ApiRequest request) {
        var query = request.queryParameter("q").filter(q -> !q.isBlank())
                .orElseThrow(() -> ApiException.badRequest("missing_parameter", "q is required: the words to search for"));
        if (query.length() > 1000) {
            throw ApiException.badRequest("invalid_parameter", "q is longer than 1000 characters");
        }
        var limit = Parameters.integer(request, "limit", DEFAULT_LIMIT, 1, SearchIndex.MAX_LIMIT);
        var lang = request.queryParameter("lang").orElse(null);
        try {
            var page = index.search(query, lang, limit, request.queryParameter("cursor").orElse(null));
            var answer = new LinkedHashMap<String, Object>();
            answer.put("query", query);
            answer.put("hits", page.hits());
            page.nextCursor().ifPresent(cursor -> answer.put("nextCursor", cursor));
            if (!page.ignoredTerms().isEmpty()) {
                answer.put("ignoredTerms", page.ignoredTerms());
            }
            return ApiResponses.json(200, answer);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_parameter", e.getMessage());
        }
    }
}
