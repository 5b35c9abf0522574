package dev.offstage.posts.index;

/**
 * One ranked post.
 *
 * @param postId the post
 * @param score its BM25 score for the query (higher is better)
 * @param snippet a window of the post's text around the first matching word
 */
public record SearchHit(String postId, double score, String snippet) {}
