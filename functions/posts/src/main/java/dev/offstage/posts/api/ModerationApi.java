package dev.offstage.posts.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.index.SearchIndex;
import dev.offstage.posts.spam.ModeratorVerdict;
import dev.offstage.posts.spam.Spam;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.util.LinkedHashMap;
import java.util.regex.Pattern;

/**
 * {@code POST /moderation/{postId}} with {@code {"spam": true|false, "moderator": "...",
 * "note": "...", "requestId": "..."}}: a moderator's verdict, which overrides the model, teaches
 * its token weights, and hides the post from search (or shows it again). {@code requestId}
 * makes a retried request count once (default: API Gateway's request id).
 *
 * <p>200 with the post's verdict; 404 for a post the spam filter has not seen; 409 for a deleted
 * post; 400 for a malformed body.
 */
public final class ModerationApi {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Spam spam;
    private final SearchIndex index;

    public ModerationApi(Spam spam, SearchIndex index) {
        this.spam = spam;
        this.index = index;
    }

    public APIGatewayV2HTTPResponse moderate(ApiRequest request) {
        var postId = request.pathParameter("postId").filter(id -> ID.matcher(id).matches())
                .orElseThrow(() -> ApiException.notFound("No such post"));
        var body = request.bodyJson(JsonNode.class);
        if (!body.path("spam").isBoolean()) {
            throw ApiException.badRequest("invalid_field", "/spam must be true or false");
        }
        var moderator = text(body, "moderator", true);
        var note = text(body, "note", false);
        var requestId = body.hasNonNull("requestId") ? text(body, "requestId", true)
                : request.requestId().orElseThrow(() -> ApiException.badRequest("missing_field", "/requestId is required"));
        var verdict = body.get("spam").asBoolean()
                ? ModeratorVerdict.spam(requestId, postId, moderator, note)
                : ModeratorVerdict.notSpam(requestId, postId, moderator, note);
        var outcome = spam.moderate(verdict);
        switch (outcome) {
            case UNKNOWN_POST -> throw ApiException.notFound("The spam filter has not seen post " + postId + " yet");
            case DELETED_POST -> throw new ApiException(409, "deleted", "Post " + postId + " is deleted");
            case APPLIED, DUPLICATE -> { }
        }
        var stored = spam.verdict(postId).orElseThrow();
        if (stored.hidden()) {
            index.hide(postId);
        } else {
            index.unhide(postId);
        }
        var answer = new LinkedHashMap<String, Object>();
        answer.put("postId", postId);
        answer.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        answer.put("spam", stored.spam());
        answer.put("source", stored.source().name().toLowerCase(java.util.Locale.ROOT));
        return ApiResponses.json(200, answer);
    }

    private static String text(JsonNode body, String field, boolean required) {
        var value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            if (required) {
                throw ApiException.badRequest("missing_field", "/" + field + " is required");
            }
            return "";
        }
        if (!value.isTextual() || value.asText().length() > 1000 || (required && value.asText().isBlank())) {
            throw ApiException.badRequest("invalid_field", "/" + field + " must be a string of at most 1000 characters");
        }
        return value.asText();
    }
}
