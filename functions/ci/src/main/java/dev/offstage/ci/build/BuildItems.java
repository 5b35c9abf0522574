package dev.offstage.ci.build;

import static dev.offstage.ci.build.BuildStore.n;
import static dev.offstage.ci.build.BuildStore.s;

import dev.offstage.ci.github.GitHubRepository;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A {@link Build} as a DynamoDB item and back: instants as epoch milliseconds, absent values as absent attributes. */
final class BuildItems {

    private BuildItems() {}

    static Map<String, AttributeValue> toItem(Build build) {
        var request = build.request();
        var item = new HashMap<String, AttributeValue>();
        item.put("id", s(build.id()));
        item.put("repo", s(request.repository().fullName()));
        item.put("created", n(build.createdAt().toEpochMilli()));
        item.put("status", s(build.status().name()));
        item.put("deliveryId", s(request.deliveryId()));
        item.put("event", s(request.event()));
        item.put("sha", s(request.sha()));
        item.put("ref", s(request.ref()));
        item.put("branch", s(request.branch()));
        item.put("fork", AttributeValue.fromBool(request.fork()));
        item.put("private", AttributeValue.fromBool(request.privateRepository()));
        item.put("title", s(request.title()));
        item.put("author", s(request.author()));
        item.put("attempts", n(build.attempts()));
        if (build.request().eventTime() != null) {
            item.put("eventTime", n(build.request().eventTime().toEpochMilli()));
        }
        item.put("artifactKeys", AttributeValue.fromL(build.artifactKeys().stream().map(BuildStore::s).toList()));
        if (request.pullRequest() != null) {
            item.put("pullRequest", n(request.pullRequest()));
        }
        if (request.installationId() != null) {
            item.put("installationId", n(request.installationId()));
        }
        putIfPresent(item, "reason", build.reason());
        putIfPresent(item, "pageUrl", build.pageUrl());
        putIfPresent(item, "logKey", build.logKey());
        if (build.startedAt() != null) {
            item.put("startedAt", n(build.startedAt().toEpochMilli()));
        }
        if (build.finishedAt() != null) {
            item.put("finishedAt", n(build.finishedAt().toEpochMilli()));
        }
        if (build.exitCode() != null) {
            item.put("exitCode", n(build.exitCode()));
        }
        return item;
    }

    static Build fromItem(Map<String, AttributeValue> item) {
        var request = new BuildRequest(
                text(item, "deliveryId"),
                text(item, "event"),
                GitHubRepository.parse(text(item, "repo")),
                text(item, "sha"),
                text(item, "ref"),
                text(item, "branch"),
                item.containsKey("pullRequest") ? Integer.valueOf(item.get("pullRequest").n()) : null,
                item.containsKey("fork") && Boolean.TRUE.equals(item.get("fork").bool()),
                item.containsKey("installationId") ? Long.valueOf(item.get("installationId").n()) : null,
                text(item, "title"),
                text(item, "author"),
                item.containsKey("private") && Boolean.TRUE.equals(item.get("private").bool()),
                instant(item, "eventTime"));
        return new Build(
                text(item, "id"),
                request,
                BuildStatus.valueOf(text(item, "status")),
                text(item, "reason"),
                text(item, "pageUrl"),
                instant(item, "created"),
                instant(item, "startedAt"),
                instant(item, "finishedAt"),
                item.containsKey("exitCode") ? Integer.valueOf(item.get("exitCode").n()) : null,
                text(item, "logKey"),
                item.containsKey("artifactKeys") ? item.get("artifactKeys").l().stream().map(AttributeValue::s).toList() : List.of(),
                item.containsKey("attempts") ? Integer.parseInt(item.get("attempts").n()) : 0,
                item.containsKey("retryable") && Boolean.TRUE.equals(item.get("retryable").bool()));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }
}
