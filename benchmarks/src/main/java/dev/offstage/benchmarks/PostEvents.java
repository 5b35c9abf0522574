package dev.offstage.benchmarks;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Post events for the post benchmarks: distinct texts, so that no post looks like a duplicate of another. */
final class PostEvents {

    private static final String[] TEXTS = {
        "Shipping the new build pipeline today, #offstage runs every step locally first @maria_dev",
        "Reading about event sourcing and idempotent consumers #architecture #serverless",
        "Coffee, rain and a long refactoring session. The queue finally drains in order #monday",
        "Benchmarks are ratios, never absolute numbers; measured on a shared machine #performance",
        "Our search index now stems German and English words alike, see https://example.org/notes",
    };

    private PostEvents() {}

    /** The JSON of a {@code post.created} event, as the fan-out sends it. */
    static String created(String postId, String authorId, long number) {
        var now = Instant.now();
        var text = TEXTS[(int) (number % TEXTS.length)] + " (note " + number + ")";
        var event = new PostEvent(PostEvent.Type.CREATED, postId, 1, authorId, text, now, now, "en");
        return new String(PostEventFormat.write(event), StandardCharsets.UTF_8);
    }
}
