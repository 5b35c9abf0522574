package dev.offstage.posts.index;

import java.util.List;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param hits the posts, best first
 * @param nextCursor where the next page starts, empty on the last page
 * @param ignoredTerms query terms beyond {@link SearchIndex#MAX_QUERY_TERMS}, which were not searched
 */
public record SearchPage(List<SearchHit> hits, Optional<String> nextCursor, List<String> ignoredTerms) {

    public SearchPage {
        hits = List.copyOf(hits);
        ignoredTerms = List.copyOf(ignoredTerms);
    }
}
