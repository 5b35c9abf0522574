package dev.offstage.ci.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.ci.build.BuildRequest;
import dev.offstage.ci.github.GitHubRepository;
import dev.offstage.shared.http.ApiException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what a webhook asks for: a build, nothing (with the reason), or a ping's answer. Reads
 * only the fields it needs, so every payload shape GitHub sends for {@code push} and
 * {@code pull_request} (forks, drafts, merges, force pushes, deleted head repositories) works.
 *
 * <p>Which pushes build: branch pushes that create or move a branch, unless the head commit's
 * message says {@code [skip ci]} or {@code [ci skip]}; tag pushes only when tag builds are on.
 * Which pull requests build: {@code opened}, {@code synchronize} and {@code reopened}, drafts
 * included. A pull request whose head lives in another repository (or in one since deleted)
 * is a fork's, and builds without secrets.
 */
public final class WebhookEvents {

    private static final Set<String> PULL_REQUEST_ACTIONS = Set.of("opened", "synchronize", "reopened");
    private static final Pattern SKIP = Pattern.compile("\\[(skip ci|ci skip)]", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final String ZERO_SHA = "0".repeat(40);

    /** What to do with a delivery. */
    public sealed interface Decision {}

    /** Build this. */
    public record Queue(BuildRequest request) implements Decision {}

    /** Nothing to build, and why (answered 202). */
    public record Ignore(String reason) implements Decision {}

    /** A {@code ping}: GitHub checking the hook (answered 200). */
    public record Pong(String hookId) implements Decision {}

    /**
     * What builds, beyond the event kinds.
     *
     * @param buildTags whether pushing a tag builds it
     * @param buildForks whether pull requests from forks build (without secrets)
     * @param repositories which repositories may trigger builds at all
     */
    public record Rules(boolean buildTags, boolean buildForks, RepositoryFilter repositories) {
        /** Branch pushes and pull requests, forks included, of any repository. */
        public static Rules defaults() {
            return new Rules(false, true, RepositoryFilter.parse("*"));
        }
    }

    /** Git refuses control characters in ref names; DynamoDB keys hold at most 2048 bytes. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final int MAX_REF_BYTES = 1024;

    private final Rules rules;

    public WebhookEvents(Rules rules) {
        this.rules = rules;
    }

    /**
     * Decides for one delivery.
     *
     * @throws ApiException 400 when a field the decision needs is missing, of the wrong type or
     *     malformed; 403 when the repository is not one the rules allow
     */
    public Decision decide(String event, String deliveryId, JsonNode payload) {
        if (!payload.isObject()) {
            throw ApiException.badRequest("invalid_payload", "The payload must be a JSON object");
        }
        var decision = switch (event) {
            case "ping" -> new Pong(payload.path("hook_id").asText(""));
            case "push" -> push(deliveryId, payload);
            case "pull_request" -> pullRequest(deliveryId, payload);
            default -> new Ignore("event '" + event + "' does not build (push and pull_request do)");
        };
        if (decision instanceof Queue queue && !rules.repositories().allows(queue.request().repository())) {
            throw new ApiException(403, "repository_not_allowed", "Repository " + queue.request().repository().fullName()
                    + " is not among the repositories allowed to build (AllowedRepositories)");
        }
        return decision;
    }

    private Decision push(String deliveryId, JsonNode payload) {
        var ref = ref(text(payload, "ref"), "ref");
        if (payload.path("deleted").asBoolean(false) || ZERO_SHA.equals(payload.path("after").asText())) {
            return new Ignore("push deletes " + ref);
        }
        String name;
        if (ref.startsWith("refs/heads/")) {
            name = ref.substring("refs/heads/".length());
        } else if (ref.startsWith("refs/tags/")) {
            if (!rules.buildTags()) {
                return new Ignore("tag push " + ref + " (tag builds are off)");
            }
            name = ref.substring("refs/tags/".length());
        } else {
            return new Ignore("push to " + ref + " is neither a branch nor a tag");
        }
        var headCommit = payload.path("head_commit");
        var message = headCommit.path("message").asText("");
        if (SKIP.matcher(message).find()) {
            return new Ignore("head commit says " + SKIP.matcher(message).results().findFirst().orElseThrow().group());
        }
        var repository = repository(payload.path("repository"), "repository");
        var author = payload.path("pusher").path("name").asText(payload.path("sender").path("login").asText(""));
        return new Queue(new BuildRequest(deliveryId, "push", repository, sha(payload, "after"), ref, name,
                null, false, installation(payload), firstLine(message), abbreviate(author, 100),
                isPrivate(payload), time(payload.path("repository").path("pushed_at"))));
    }

    private Decision pullRequest(String deliveryId, JsonNode payload) {
        var action = text(payload, "action");
        if (!PULL_REQUEST_ACTIONS.contains(action)) {
            return new Ignore("pull_request action '" + action + "' does not build (opened, synchronize and reopened do)");
        }
        var pull = object(payload, "pull_request");
        var head = object(pull, "head");
        var repository = repository(payload.path("repository"), "repository");
        var number = pull.path("number");
        if (!number.canConvertToInt() || number.asInt() <= 0) {
            throw invalid("pull_request.number", "a positive integer");
        }
        // A fork's head repository differs from the base; GitHub sends null when the fork was deleted.
        var headRepository = head.path("repo");
        var fork = !headRepository.isObject()
                || !repository.fullName().equalsIgnoreCase(headRepository.path("full_name").asText());
        if (fork && !rules.buildForks()) {
            return new Ignore("pull request #" + number.asInt() + " comes from a fork (fork builds are off)");
        }
        var sha = sha(head, "sha");
        return new Queue(new BuildRequest(deliveryId, "pull_request", repository, sha,
                "refs/pull/" + number.asInt() + "/head", ref(text(head, "ref"), "pull_request.head.ref"), number.asInt(), fork,
                installation(payload), firstLine(pull.path("title").asText("")),
                abbreviate(pull.path("user").path("login").asText(payload.path("sender").path("login").asText("")), 100),
                isPrivate(payload), time(pull.path("updated_at"))));
    }

    private static GitHubRepository repository(JsonNode repository, String field) {
        if (!repository.isObject()) {
            throw invalid(field, "an object");
        }
        var fullName = text(repository, "full_name");
        try {
            return GitHubRepository.parse(fullName);
        } catch (IllegalArgumentException e) {
            throw invalid(field + ".full_name", "owner/name");
        }
    }

    private static String ref(String ref, String field) {
        if (ref.isEmpty() || CONTROL.matcher(ref).find() || ref.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_REF_BYTES) {
            throw invalid(field, "a git ref name (no control characters, at most " + MAX_REF_BYTES + " bytes)");
        }
        return ref;
    }

    private static boolean isPrivate(JsonNode payload) {
        return payload.path("repository").path("private").asBoolean(false);
    }

    /** GitHub sends times as epoch seconds ({@code pushed_at} of push events) or ISO-8601 strings. */
    private static Instant time(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            try {
                return Instant.ofEpochSecond(value.asLong());
            } catch (DateTimeException e) {
                return null; // past Instant's range: a DateTimeException here answered a signed delivery 500
            }
        }
        if (value.isTextual()) {
            try {
                return OffsetDateTime.parse(value.asText()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static Long installation(JsonNode payload) {
        var id = payload.path("installation").path("id");
        return id.canConvertToLong() && id.isIntegralNumber() ? id.asLong() : null;
    }

    private static String sha(JsonNode node, String field) {
        var sha = text(node, field).toLowerCase(Locale.ROOT);
        if (!SHA.matcher(sha).matches()) {
            throw invalid(field, "a 40-digit commit SHA");
        }
        return sha;
    }

    private static JsonNode object(JsonNode node, String field) {
        var value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw missing(field);
        }
        if (!value.isObject()) {
            throw invalid(field, "an object");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        var value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw missing(field);
        }
        if (!value.isTextual()) {
            throw invalid(field, "a string");
        }
        return value.asText();
    }

    private static String firstLine(String message) {
        var newline = message.indexOf('\n');
        var line = (newline < 0 ? message : message.substring(0, newline)).strip();
        return line.length() <= 200 ? line : line.substring(0, 199) + "…";
    }

    private static ApiException missing(String field) {
        return ApiException.badRequest("missing_field", "The payload has no '" + field + "'");
    }

    private static ApiException invalid(String field, String expected) {
        return ApiException.badRequest("invalid_field", "The payload's '" + field + "' must be " + expected);
    }
}
