package dev.offstage.posts.spam;

import dev.offstage.posts.event.PostEvent;
import java.time.Duration;
import java.time.Instant;

/** Post events for spam tests: one author, one start time, each post at the time the test says. */
final class Posts {

    static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    private Posts() {}

    static PostEvent created(String postId, String authorId, String text, Duration at) {
        return new PostEvent(PostEvent.Type.CREATED, postId, 1, authorId, text, START.plus(at), START.plus(at), "en");
    }

    static PostEvent post(String text) {
        return created("p-1", "alice", text, Duration.ZERO);
    }

    static PostEvent version(PostEvent event, long version, String text) {
        var type = version == 1 ? PostEvent.Type.CREATED : PostEvent.Type.UPDATED;
        return new PostEvent(type, event.postId(), version, event.authorId(), text, event.createdAt(),
                event.occurredAt().plusSeconds(version - 1), event.lang());
    }

    static PostEvent deleted(PostEvent event, long version) {
        return new PostEvent(PostEvent.Type.DELETED, event.postId(), version, event.authorId(), "", event.createdAt(),
                event.occurredAt().plusSeconds(version - 1), event.lang());
    }
}
