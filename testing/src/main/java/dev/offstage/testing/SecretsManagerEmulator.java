package dev.offstage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * AWS Secrets Manager in this JVM, on a free loopback port: no emulator of it runs without Docker,
 * and functions must read their secrets the way they do in AWS — {@code GetSecretValue} through the
 * SDK at {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}.
 *
 * <p>The wire protocol is AWS's: JSON 1.1 ({@code X-Amz-Target: secretsmanager.<Operation>}),
 * errors as HTTP 400 with {@code {"__type": "ResourceNotFoundException", "message": ...}}, dates as
 * epoch seconds. Operations: {@code CreateSecret}, {@code GetSecretValue}, {@code PutSecretValue},
 * {@code DescribeSecret}, {@code ListSecrets} (one page) and {@code DeleteSecret}. Text secrets
 * only: {@code SecretBinary} is refused with a message that says so. ARNs are AWS's shape,
 * {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>}; a
 * {@code SecretId} may be the name, the full ARN or the ARN without its random suffix (a partial
 * ARN, which AWS accepts too). Signatures are not checked. Values live in memory only.
 *
 * <p>Thread-safe. {@link #close()} stops the server.
 */
final class SecretsManagerEmulator implements AutoCloseable {

    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "secretsmanager.";
    /** Secrets Manager's rule for secret names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    /** By name, in creation order (ListSecrets answers in it). Guarded by {@code this}. */
    private final Map<String, Secret> secrets = new LinkedHashMap<>();

    private SecretsManagerEmulator(String region, String accountId, Clock clock) throws IOException {
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts one on a loopback port the operating system chooses. */
    static SecretsManagerEmulator start(String region, String accountId) {
        try {
            var emulator = new SecretsManagerEmulator(region, accountId, Clock.systemUTC());
            emulator.server.start();
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Secrets Manager emulator", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP -----------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Answer answer;
            try {
                answer = new Answer(200, dispatch(exchange, body));
            } catch (ServiceError e) {
                var error = json.createObjectNode().put("__type", e.type).put("message", e.getMessage());
                answer = new Answer(e.status, error);
            } catch (RuntimeException e) {
                var error = json.createObjectNode().put("__type", "InternalServiceError")
                        .put("message", "The Secrets Manager emulator failed: " + e);
                answer = new Answer(500, error);
            }
            var bytes = json.writeValueAsBytes(answer.body());
            exchange.getResponseHeaders().set("Content-Type", JSON_1_1);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private record Answer(int status, JsonNode body) {}

    private JsonNode dispatch(HttpExchange exchange, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new ServiceError("InvalidAction", "Secrets Manager answers POST requests only, not "
                    + exchange.getRequestMethod());
        }
        var target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
        if (!target.startsWith(TARGET_PREFIX)) {
            throw new ServiceError("UnknownOperationException", "Missing or foreign X-Amz-Target header: '" + target + "'");
        }
        JsonNode request;
        try {
            request = body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            throw new ServiceError("SerializationException", "The request body is not JSON");
        }
        if (!request.isObject()) {
            throw new ServiceError("SerializationException", "The request body must be a JSON object");
        }
        synchronized (this) {
            return switch (target.substring(TARGET_PREFIX.length())) {
                case "CreateSecret" -> createSecret(request);
                case "GetSecretValue" -> getSecretValue(request);
                case "PutSecretValue" -> putSecretValue(request);
                case "DescribeSecret" -> describeSecret(request);
                case "ListSecrets" -> listSecrets(request);
                case "DeleteSecret" -> deleteSecret(request);
                default -> throw new ServiceError("UnknownOperationException", "The Secrets Manager emulator does not "
                        + "implement " + target + " (it has CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, "
                        + "ListSecrets and DeleteSecret)");
            };
        }
    }

    // ---- operations -----------------------------------------------------------------------------

    private JsonNode createSecret(JsonNode request) {
        var name = required(request, "Name");
        if (!NAME.matcher(name).matches()) {
            throw new ServiceError("ValidationException", "Invalid name. Must be a valid name containing alphanumeric "
                    + "characters, or any of the following: -/_+=.@!");
        }
        refuseBinary(request);
        if (secrets.containsKey(name)) {
            throw new ServiceError("ResourceExistsException", "The operation failed because the secret " + name
                    + " already exists.");
        }
        var now = clock.instant();
        var secret = new Secret(name, arn(name), text(request, "Description").orElse(null), now);
        secrets.put(name, secret);
        var answer = json.createObjectNode().put("ARN", secret.arn).put("Name", name);
        text(request, "SecretString").ifPresent(value -> answer.put("VersionId", secret.put(versionId(request), value, now)));
        return answer;
    }

    private JsonNode getSecretValue(JsonNode request) {
        var secret = find(required(request, "SecretId"));
        requireNotDeleted(secret);
        var versionId = text(request, "VersionId");
        var stage = text(request, "VersionStage");
        Version version;
        if (versionId.isPresent()) {
            version = secret.versions.get(versionId.get());
            if (version == null || stage.isPresent() && !version.stages.contains(stage.get())) {
                throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: "
                        + versionId.get());
            }
        } else {
            var label = stage.orElse(CURRENT);
            version = secret.versions.values().stream().filter(candidate -> candidate.stages.contains(label)).findFirst()
                    .orElseThrow(() -> new ServiceError("ResourceNotFoundException",
                            "Secrets Manager can't find the specified secret value for staging label: " + label));
        }
        var answer = json.createObjectNode().put("ARN", secret.arn).put("Name", secret.name)
                .put("VersionId", version.id).put("SecretString", version.value);
        version.stages.forEach(answer.putArray("VersionStages")::add);
        answer.put("CreatedDate", epochSeconds(version.created));
        return answer;
    }

    private JsonNode putSecretValue(JsonNode request) {
        var secret = find(required(request, "SecretId"));
        requireNotDeleted(secret);
        refuseBinary(request);
        var value = text(request, "SecretString").orElseThrow(() -> new ServiceError("InvalidRequestException",
                "You must provide either SecretString or SecretBinary."));
        var id = secret.put(versionId(request), value, clock.instant());
        var answer = json.createObjectNode().put("ARN", secret.arn).put("Name", secret.name).put("VersionId", id);
        answer.putArray("VersionStages").add(CURRENT);
        return answer;
    }

    private JsonNode describeSecret(JsonNode request) {
        return describe(find(required(request, "SecretId")));
    }

    private JsonNode listSecrets(JsonNode request) {
        var includeDeleted = request.path("IncludePlannedDeletion").asBoolean(false);
        var answer = json.createObjectNode();
        var list = answer.putArray("SecretList");
        secrets.values().stream().filter(secret -> includeDeleted || secret.deleted == null).map(this::describe).forEach(list::add);
        return answer;
    }

    private JsonNode deleteSecret(JsonNode request) {
        var secret = find(required(request, "SecretId"));
        var force = request.path("ForceDeleteWithoutRecovery").asBoolean(false);
        var window = request.path("RecoveryWindowInDays");
        if (force && !window.isMissingNode() && !window.isNull()) {
            throw new ServiceError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction "
                    + "with RecoveryWindowInDays.");
        }
        var days = window.isNumber() ? window.asLong() : 30;
        if (!force && (days < 7 || days > 30)) {
            throw new ServiceError("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days "
                    + "(inclusive).");
        }
        var now = clock.instant();
        Instant deletion;
        if (force) {
            secrets.remove(secret.name);
            deletion = now;
        } else {
            if (secret.deleted == null) {
                secret.deleted = now.plus(Duration.ofDays(days));
            }
            deletion = secret.deleted;
        }
        return json.createObjectNode().put("ARN", secret.arn).put("Name", secret.name).put("DeletionDate", epochSeconds(deletion));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ObjectNode describe(Secret secret) {
        var answer = json.createObjectNode().put("ARN", secret.arn).put("Name", secret.name);
        if (secret.description != null) {
            answer.put("Description", secret.description);
        }
        answer.put("CreatedDate", epochSeconds(secret.created)).put("LastChangedDate", epochSeconds(secret.changed));
        if (secret.deleted != null) {
            answer.put("DeletedDate", epochSeconds(secret.deleted));
        }
        var stages = answer.putObject("VersionIdsToStages");
        secret.versions.values().forEach(version -> version.stages.forEach(stages.putArray(version.id)::add));
        return answer;
    }

    /** A secret by name, full ARN or partial ARN (the full one without its random suffix), as AWS finds them. */
    private Secret find(String secretId) {
        var prefix = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:";
        Secret secret;
        if (secretId.startsWith("arn:")) {
            secret = secrets.values().stream().filter(candidate -> candidate.arn.equals(secretId)).findFirst()
                    .orElseGet(() -> secretId.startsWith(prefix) ? secrets.get(secretId.substring(prefix.length())) : null);
        } else {
            secret = secrets.get(secretId);
        }
        if (secret == null) {
            throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        return secret;
    }

    private static void requireNotDeleted(Secret secret) {
        if (secret.deleted != null) {
            throw new ServiceError("InvalidRequestException", "You can't perform this operation on the secret because it "
                    + "was marked for deletion.");
        }
    }

    private static void refuseBinary(JsonNode request) {
        if (request.hasNonNull("SecretBinary")) {
            throw new ServiceError("InvalidRequestException", "SecretBinary is not supported by the Offstage Secrets "
                    + "Manager emulator; store text in SecretString");
        }
    }

    private String arn(String name) {
        var suffix = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix;
    }

    /** The caller's {@code ClientRequestToken} (the SDK sends one), else a fresh UUID. */
    private static String versionId(JsonNode request) {
        return text(request, "ClientRequestToken").orElseGet(() -> UUID.randomUUID().toString());
    }

    private static String required(JsonNode request, String field) {
        return text(request, field).orElseThrow(() -> new ServiceError("ValidationException",
                "1 validation error detected: Value null at '" + field.substring(0, 1).toLowerCase() + field.substring(1)
                        + "' failed to satisfy constraint: Member must not be null"));
    }

    private static Optional<String> text(JsonNode request, String field) {
        var value = request.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** The JSON 1.1 protocol's timestamps: epoch seconds with a fraction. */
    private static double epochSeconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    /** One secret and its versions; a new version takes AWSCURRENT and its predecessor AWSPREVIOUS. */
    private static final class Secret {
        final String name;
        final String arn;
        final String description;
        final Instant created;
        Instant changed;
        Instant deleted;
        final Map<String, Version> versions = new LinkedHashMap<>();

        Secret(String name, String arn, String description, Instant created) {
            this.name = name;
            this.arn = arn;
            this.description = description;
            this.created = created;
            this.changed = created;
        }

        String put(String versionId, String value, Instant now) {
            var existing = versions.get(versionId);
            if (existing != null) {
                if (!existing.value.equals(value)) {
                    throw new ServiceError("ResourceExistsException", "You can't modify an existing version, you can only "
                            + "create a new version.");
                }
                return versionId;   // the same request again: idempotent, as in AWS
            }
            for (var version : versions.values()) {
                version.stages.remove(PREVIOUS);
                if (version.stages.remove(CURRENT)) {
                    version.stages.add(PREVIOUS);
                }
            }
            // Versions without a label are deprecated in AWS; here they are simply dropped.
            versions.values().removeIf(version -> version.stages.isEmpty());
            versions.put(versionId, new Version(versionId, value, now, new ArrayList<>(List.of(CURRENT))));
            changed = now;
            return versionId;
        }
    }

    private record Version(String id, String value, Instant created, List<String> stages) {}

    /** An error answer in AWS's JSON 1.1 shape; the SDK turns {@code type} into its exception class. */
    private static final class ServiceError extends RuntimeException {
        final String type;
        final int status;

        ServiceError(String type, String message) {
            super(message);
            this.type = type;
            this.status = 400;
        }
    }
}
