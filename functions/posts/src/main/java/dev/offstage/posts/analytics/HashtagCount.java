package dev.offstage.posts.analytics;

/**
 * How many posts carry a hashtag.
 *
 * @param hashtag the case-folded hashtag, without {@code #}
 * @param posts how many posts
 */
public record HashtagCount(String hashtag, long posts) {}
