package dev.offstage.posts.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to a post, as applications send it (docs/post-events.md). Consumers must expect
 * every event more than once and in any order: {@code version} (monotonic per post) says which
 * is newer. {@link PostEventFormat} reads and writes them as JSON.
 *
 * @param type created, updated or deleted
 * @param postId the post's id
 * @param version the post's version this event describes, from 1, growing with each change
 * @param authorId who wrote it
 * @param text the post's text at this version (empty for a deletion)
 * @param createdAt when the post was first created
 * @param occurredAt when this change happened
 * @param lang the text's language (BCP 47, e.g. {@code en}, {@code de}), or {@code null} if unknown
 */
public record PostEvent(
        Type type,
        String postId,
        long version,
        String authorId,
        String text,
        Instant createdAt,
        Instant occurredAt,
        String lang) {

    /** The event types, with their names on the wire. */
    public enum Type {
        CREATED("post.created"),
        UPDATED("post.updated"),
        DELETED("post.deleted");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The type of a wire name, or empty. */
        public static Optional<Type> of(String wireName) {
            for (var type : values()) {
                if (type.wireName.equals(wireName)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    public PostEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(authorId, "authorId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(occurredAt, "occurredAt");
        text = text == null ? "" : text;
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
    }

    /**
     * Reads an event from a queue message body; the same as {@link PostEventFormat#parse(String)},
     * here because that is where a consumer looks for it.
     *
     * @throws InvalidPostEventException when the body is not a post event (docs/post-events.md)
     */
    public static PostEvent parse(String json) {
        return PostEventFormat.parse(json);
    }

    public Optional<String> language() {
        return Optional.ofNullable(lang);
    }
}
