package dev.offstage.ci.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A GitHub API call failed: GitHub answered with an error status, or the call never got an answer
 * (status 0: connection refused, timeout, broken stream).
 *
 * <p>{@link #retryable()} is the decision a caller needs: true when the same call may succeed
 * later (5xx, 429, a 403 that is a primary or secondary rate limit, I/O failures and timeouts),
 * false when it will not until something changes (404: no such repository or no access; 401; 422:
 * GitHub rejected the request). The message holds the method and path, GitHub's {@code message}
 * and, for rate limits, when to try again; never a token.
 */
public final class GitHubApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String request;
    private final String gitHubMessage;
    private final boolean retryable;
    private final Instant retryAt;

    private GitHubApiException(String message, int status, String request, String gitHubMessage, boolean retryable,
                               Instant retryAt, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.request = request;
        this.gitHubMessage = gitHubMessage;
        this.retryable = retryable;
        this.retryAt = retryAt;
    }

    /** The call got no answer: status 0, retryable. */
    static GitHubApiException ioFailure(String request, Exception cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new GitHubApiException("GitHub API " + request + " failed without an answer (" + reason + "); retryable",
                0, request, null, true, null, cause);
    }

    /** GitHub answered {@code status}; the body is GitHub's JSON error ({@code {"message": …}}) if any. */
    static GitHubApiException fromResponse(String request, int status, HttpHeaders headers, byte[] body, Clock clock) {
        String gitHubMessage = messageOf(body);
        OptionalLong remaining = headers.firstValueAsLong("x-ratelimit-remaining");
        boolean secondaryLimit = gitHubMessage != null && gitHubMessage.toLowerCase(Locale.ROOT).contains("secondary rate limit");
        boolean primaryLimit = remaining.isPresent() && remaining.getAsLong() == 0;
        boolean rateLimited = status == 429 || (status == 403 && (primaryLimit || secondaryLimit || headers.firstValue("retry-after").isPresent()));
        boolean retryable = status >= 500 || rateLimited;

        // GitHub's advice: wait retry-after seconds if given, else until x-ratelimit-reset (epoch seconds).
        Instant retryAt = null;
        OptionalLong retryAfter = headers.firstValueAsLong("retry-after");
        OptionalLong reset = headers.firstValueAsLong("x-ratelimit-reset");
        if (rateLimited && retryAfter.isPresent()) {
            retryAt = clock.instant().plusSeconds(retryAfter.getAsLong());
        } else if (rateLimited && reset.isPresent()) {
            retryAt = Instant.ofEpochSecond(reset.getAsLong());
        }

        var message = new StringBuilder("GitHub API ").append(request).append(" answered ").append(status);
        if (gitHubMessage != null) {
            message.append(": ").append(gitHubMessage);
        }
        if (rateLimited) {
            message.append(primaryLimit ? "; rate limit exhausted" : "; rate limited");
            if (retryAt != null) {
                message.append(", retry at ").append(retryAt);
            }
        }
        message.append(retryable ? "; retryable" : "; not retryable");
        return new GitHubApiException(message.toString(), status, request, gitHubMessage, retryable, retryAt, null);
    }

    private static String messageOf(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode message = Json.read(body, JsonNode.class).path("message");
            return message.isTextual() && !message.asText().isBlank() ? message.asText() : null;
        } catch (RuntimeException notJson) {
            return null; // a proxy's HTML error page: the status says enough
        }
    }

    /** The HTTP status GitHub answered, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The call, {@code METHOD path} (e.g. {@code POST /repos/o/r/statuses/…}); never holds a token. */
    public String request() {
        return request;
    }

    /** The {@code message} of GitHub's JSON error body, e.g. {@code Not Found}. */
    public Optional<String> gitHubMessage() {
        return Optional.ofNullable(gitHubMessage);
    }

    /** Whether the same call may succeed later; see the class comment. */
    public boolean retryable() {
        return retryable;
    }

    /** For rate limits: when GitHub says to try again ({@code retry-after} or {@code x-ratelimit-reset}). */
    public Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }
}
