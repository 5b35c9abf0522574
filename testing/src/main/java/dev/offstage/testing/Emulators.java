package dev.offstage.testing;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * AWS services for tests, benchmarks and the local runtime: DynamoDB, SQS, S3 and Secrets Manager
 * on loopback.
 *
 * <p>{@link #start()} picks the backend from {@code OFFSTAGE_TEST_BACKEND}: {@code local} (the
 * default: dynalite, ElasticMQ, S3Proxy and an in-JVM Secrets Manager, no
 * Docker) or {@code localstack} (the Testcontainers
 * LocalStack module; needs a Docker engine). Whatever the backend, code under test reaches it the
 * way it reaches AWS: through the SDK's standard variables in {@link #environment()}
 * ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_S3},
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, region and credentials), handed to the toolkit's {@code AwsClients}.
 *
 * <p>Thread-safe once started. {@link #close()} stops every process and server it started.
 */
public interface Emulators extends AutoCloseable {

    /** The region every emulator answers for. */
    String REGION = "us-east-1";
    /** The account id in emulated ARNs and queue URLs. */
    String ACCOUNT_ID = "000000000000";

    /** Starts the backend named by {@code OFFSTAGE_TEST_BACKEND} ({@code local} when unset). */
    static Emulators start() {
        var backend = System.getenv().getOrDefault("OFFSTAGE_TEST_BACKEND", "local").toLowerCase(Locale.ROOT);
        return switch (backend) {
            case "local" -> LocalEmulators.start();
            case "localstack" -> LocalStackEmulators.startForTests();
            default -> throw new IllegalStateException(
                    "OFFSTAGE_TEST_BACKEND must be 'local' or 'localstack', was '" + backend + "'");
        };
    }

    /**
     * Starts the local backend (dynalite, ElasticMQ, S3Proxy, Secrets Manager) whatever {@code OFFSTAGE_TEST_BACKEND}
     * says, with S3Proxy telling {@code s3Listener} about every object created or removed through
     * the S3 API — the hook the local runtime turns into S3 event notifications.
     */
    static Emulators startLocal(S3ObjectListener s3Listener) {
        return LocalEmulators.start(Optional.of(s3Listener));
    }

    /**
     * LocalStack (Testcontainers), for the local runtime's {@code --backend localstack}.
     *
     * @throws IllegalStateException where no Docker engine is reachable
     */
    static Emulators startLocalStack() {
        return LocalStackEmulators.start();
    }

    /** {@code local} or {@code localstack}. */
    String backend();

    URI dynamoDbEndpoint();

    URI sqsEndpoint();

    URI s3Endpoint();

    /** Secrets Manager: the in-JVM {@code SecretsManagerEmulator} locally, LocalStack's own otherwise. */
    URI secretsManagerEndpoint();

    /**
     * The environment a function gets to reach these emulators: {@code AWS_REGION},
     * {@code AWS_DEFAULT_REGION}, credentials and the per-service endpoint variables.
     */
    default Map<String, String> environment() {
        return Map.of(
                "AWS_REGION", REGION,
                "AWS_DEFAULT_REGION", REGION,
                "AWS_ACCESS_KEY_ID", "offstage",
                "AWS_SECRET_ACCESS_KEY", TestSecrets.EMULATOR_SECRET_ACCESS_KEY,
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", sqsEndpoint().toString(),
                "AWS_ENDPOINT_URL_S3", s3Endpoint().toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManagerEndpoint().toString());
    }

    /** Stops everything this instance started. Idempotent. */
    @Override
    void close();
}
