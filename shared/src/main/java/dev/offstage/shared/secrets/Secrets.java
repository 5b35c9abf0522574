package dev.offstage.shared.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.logging.Redaction;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Secret values from AWS Secrets Manager ({@code GetSecretValue}, stage {@code AWSCURRENT}),
 * cached in memory for {@link SecretsConfig#maxAge()} — like Powertools' Parameters utility,
 * without its annotations. Build one per execution environment and read secrets at init:
 *
 * <pre>{@code
 * private static final AwsClients AWS = AwsClients.fromEnvironment();
 * private static final Secrets SECRETS = new Secrets(AWS.secretsManager(), SecretsConfig.from(Environment.system()), Clock.systemUTC());
 * private static final String WEBHOOK_SECRET = SECRETS.get(Environment.system().require("GITHUB_WEBHOOK_SECRET_ARN"));
 * }</pre>
 *
 * <p>The same code reads the local runtime's secrets: the client's endpoint comes from
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. Thread-safe; two threads that miss the cache at once
 * may both call the service. Values are never logged, and never part of {@link #toString()} or of
 * an exception message; every value fetched is registered with {@link Redaction}, so a line that
 * quotes it anyway (a library's, a build's) shows {@code [REDACTED]}.
 */
public final class Secrets {

    /** The shortest secret text (or string field of a JSON secret) masked in logs. */
    static final int MIN_MASKED_LENGTH = 8;

    private final SecretsManagerClient client;
    private final SecretsConfig config;
    private final Clock clock;
    private final ConcurrentMap<String, Fetched> cache = new ConcurrentHashMap<>();

    public Secrets(SecretsManagerClient client, SecretsConfig config, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The secret's current text ({@code SecretString}): from memory when fetched less than the max
     * age ago, else from Secrets Manager.
     *
     * @param secretId the secret's name or ARN (what {@code !Ref} of an {@code AWS::SecretsManager::Secret} gives)
     * @throws SecretNotFoundException when there is no such secret, or it has no current value
     * @throws IllegalStateException when the secret holds binary data rather than text
     * @throws software.amazon.awssdk.core.exception.SdkException for any other failure of the
     *     service (denied, throttled, unreachable): retryable by the platform, nothing is cached
     */
    public String get(String secretId) {
        Objects.requireNonNull(secretId, "secretId");
        var now = clock.instant();
        var cached = cache.get(secretId);
        if (cached != null && now.isBefore(cached.fetchedAt().plus(config.maxAge()))) {
            return cached.value();
        }
        var value = fetch(secretId);
        cache.put(secretId, new Fetched(value, now));
        return value;
    }

    /**
     * The secret's text parsed as JSON (secrets holding several keys, such as
     * {@code {"username": ..., "password": ...}}). Each call returns a fresh tree: callers never
     * share a mutable one.
     *
     * @throws SecretNotFoundException as {@link #get(String)}
     * @throws IllegalStateException when the value is not JSON (the message names the id, not the value)
     */
    public JsonNode getJson(String secretId) {
        var value = get(secretId);
        try {
            return Json.tree(value);
        } catch (InvalidJsonException e) {
            // Not chained: the parser's message quotes the input, which is the secret.
            throw new IllegalStateException("Secret '" + secretId + "' is not JSON");
        }
    }

    private String fetch(String secretId) {
        try {
            var value = client.getSecretValue(get -> get.secretId(secretId)).secretString();
            if (value == null) {
                throw new IllegalStateException("Secret '" + secretId + "' holds binary data (SecretBinary); "
                        + "Secrets reads text secrets (SecretString) only");
            }
            registerForRedaction(value);
            return value;
        } catch (ResourceNotFoundException e) {
            throw new SecretNotFoundException(secretId, e);
        }
    }

    /**
     * Masks the value in every log line from now on ({@link Redaction}), before anyone can log it:
     * the whole text, and for a JSON object each string field (a token inside
     * {@code {"token": "..."}} leaks on its own) — each when it has {@value #MIN_MASKED_LENGTH}
     * characters or more. Shorter ones ({@code "region": "eu"}, a toy secret) stay readable: masking
     * them would mangle ordinary log text, and no credential is that short.
     */
    private static void registerForRedaction(String value) {
        if (value.length() >= MIN_MASKED_LENGTH) {
            Redaction.register(value);
        }
        if (!value.stripLeading().startsWith("{")) {
            return;
        }
        try {
            for (var field : Json.tree(value).properties()) {
                if (field.getValue().isTextual() && field.getValue().asText().length() >= MIN_MASKED_LENGTH) {
                    Redaction.register(field.getValue().asText());
                }
            }
        } catch (InvalidJsonException notJson) {
            // Text that only looks like JSON: registered whole above.
        }
    }

    /** Names no value: safe to log. */
    @Override
    public String toString() {
        return "Secrets[maxAge=" + config.maxAge() + ", cached=" + cache.size() + "]";
    }

    /** A value and when it was fetched. */
    private record Fetched(String value, Instant fetchedAt) {
        @Override
        public String toString() {
            return "Fetched[fetchedAt=" + fetchedAt + "]";
        }
    }
}
