package dev.offstage.posts.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post events for tests, written as raw JSON so that they can be wrong in every way the wire can
 * be: {@code Examples.created().with("version", "1.0").json()}.
 */
final class Examples {

    private final Map<String, String> members;

    private Examples(Map<String, String> members) {
        this.members = members;
    }

    static Examples created() {
        var members = new LinkedHashMap<String, String>();
        members.put("type", "\"post.created\"");
        members.put("postId", "\"p-1\"");
        members.put("version", "1");
        members.put("authorId", "\"alice_1\"");
        members.put("text", "\"Hello, #offstage! Grüße 👋\"");
        members.put("createdAt", "\"2026-11-27T08:30:00Z\"");
        members.put("occurredAt", "\"2026-11-27T08:30:00Z\"");
        members.put("lang", "\"en\"");
        return new Examples(members);
    }

    static Examples updated() {
        return created().with("type", "\"post.updated\"").with("version", "2")
                .with("text", "\"Hello again\"").with("occurredAt", "\"2026-11-27T08:31:00.250Z\"");
    }

    static Examples deleted() {
        return created().with("type", "\"post.deleted\"").with("version", "3").without("text").without("lang")
                .with("occurredAt", "\"2026-11-27T09:00:00Z\"");
    }

    /** A copy with {@code name} set to the raw JSON {@code value} (added at the end when new). */
    Examples with(String name, String value) {
        var copy = new LinkedHashMap<>(members);
        copy.put(name, value);
        return new Examples(copy);
    }

    Examples without(String name) {
        var copy = new LinkedHashMap<>(members);
        copy.remove(name);
        return new Examples(copy);
    }

    String json() {
        var parts = new ArrayList<String>();
        members.forEach((name, value) -> parts.add("\"" + name + "\":" + value));
        return "{" + String.join(",", parts) + "}";
    }

    byte[] bytes() {
        return json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A JSON string literal of {@code count} copies of {@code unit}. */
    static String repeated(String unit, int count) {
        return "\"" + unit.repeat(count) + "\"";
    }

    static List<String> types() {
        return List.of("post.created", "post.updated", "post.deleted");
    }
}
