package dev.offstage.shared.aws;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place Offstage builds AWS SDK clients. Build one instance per execution environment
 * (a handler's static field) and ask it for clients; each client is created on first use and
 * then shared. Thread-safe.
 *
 * <p>Everything comes from the {@link Environment}, the same way in AWS, under the local runtime
 * and against LocalStack:
 * <ul>
 *   <li>region: {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION} (Lambda sets both);</li>
 *   <li>endpoint: {@code AWS_ENDPOINT_URL_<SERVICE>} (e.g. {@code AWS_ENDPOINT_URL_DYNAMODB},
 *       {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}),
 *       else {@code AWS_ENDPOINT_URL}, else the service's public endpoint — the SDK's standard
 *       variables, honoured here explicitly so that an environment given as a map works too;
 *       {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true} turns them off;</li>
 *   <li>credentials: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}
 *       when present, else the SDK's default chain (which covers SnapStart's container
 *       credentials).</li>
 * </ul>
 * All clients share one URL-connection HTTP client: the lightest on cold start (measured in
 * docs/performance.md).
 */
public final class AwsClients implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private final Environment environment;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Lazy<SdkHttpClient> httpClient;
    private final Lazy<DynamoDbClient> dynamoDb;
    private final Lazy<SqsClient> sqs;
    private final Lazy<S3Client> s3;
    private final Lazy<S3Presigner> s3Presigner;
    private final Lazy<SecretsManagerClient> secretsManager;

    private AwsClients(Environment environment) {
        this.environment = environment;
        this.region = Region.of(environment.optional("AWS_REGION")
                .or(() -> environment.optional("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new ConfigurationException(
                        "Missing required environment variable AWS_REGION (or AWS_DEFAULT_REGION)")));
        this.credentials = credentialsFrom(environment);
        this.httpClient = new Lazy<>(() -> UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build());
        this.dynamoDb = new Lazy<>(() -> configure(DynamoDbClient.builder(), "DYNAMODB").build());
        this.sqs = new Lazy<>(() -> configure(SqsClient.builder(), "SQS").build());
        this.s3 = new Lazy<>(() -> configure(S3Client.builder(), "S3")
                // Emulators (and LocalStack) serve buckets by path, not by virtual host.
                .forcePathStyle(endpoint("S3").isPresent())
                .build());
        this.s3Presigner = new Lazy<>(() -> {
            var builder = S3Presigner.builder().region(region).credentialsProvider(credentials);
            endpoint("S3").ifPresent(uri -> builder.endpointOverride(uri)
                    .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                            .pathStyleAccessEnabled(true).build()));
            return builder.build();
        });
        // The SDK's service id is "Secrets Manager": its variable is AWS_ENDPOINT_URL_SECRETS_MANAGER.
        this.secretsManager = new Lazy<>(() -> configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build());
    }

    /** Clients configured from the process environment. */
    public static AwsClients fromEnvironment() {
        return from(Environment.system());
    }

    /** Clients configured from {@code environment}. @throws ConfigurationException when no region is set */
    public static AwsClients from(Environment environment) {
        return new AwsClients(environment);
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb.get();
    }

    public SqsClient sqs() {
        return sqs.get();
    }

    public S3Client s3() {
        return s3.get();
    }

    public S3Presigner s3Presigner() {
        return s3Presigner.get();
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager.get();
    }

    public Region region() {
        return region;
    }

    /**
     * The endpoint configured for a service ({@code AWS_ENDPOINT_URL_<SERVICE>}, else
     * {@code AWS_ENDPOINT_URL}), or empty for the service's public AWS endpoint.
     *
     * @param serviceId the SDK's service id in upper snake case, e.g. {@code DYNAMODB}, {@code S3}
     */
    public Optional<URI> endpoint(String serviceId) {
        if (environment.booleanValue("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", false)) {
            return Optional.empty();
        }
        var name = "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT);
        return environment.optional(name)
                .map(value -> toUri(name, value))
                .or(() -> environment.optional("AWS_ENDPOINT_URL").map(value -> toUri("AWS_ENDPOINT_URL", value)));
    }

    /**
     * Configures the builder of a client this class does not hold (the ops console's CloudFormation,
     * CloudWatch and Logs clients) like the others: region, credentials, the shared HTTP client and
     * the service's endpoint variable. The caller builds and closes the client.
     *
     * @param serviceId the SDK's service id in upper snake case, e.g. {@code CLOUDFORMATION},
     *     {@code CLOUDWATCH_LOGS}
     */
    public <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>>
            B configure(B builder, String serviceId) {
        builder.region(region).credentialsProvider(credentials).httpClient(httpClient.get());
        endpoint(serviceId).ifPresent(builder::endpointOverride);
        return builder;
    }

    private static AwsCredentialsProvider credentialsFrom(Environment environment) {
        var accessKey = environment.optional("AWS_ACCESS_KEY_ID");
        var secretKey = environment.optional("AWS_SECRET_ACCESS_KEY");
        if (accessKey.isEmpty() || secretKey.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        var sessionToken = environment.optional("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(sessionToken
                .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                        token -> AwsSessionCredentials.create(accessKey.get(), secretKey.get(), token))
                .orElseGet(() -> AwsBasicCredentials.create(accessKey.get(), secretKey.get())));
    }

    private static URI toUri(String name, String value) {
        try {
            var uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value, "needs a scheme and a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(
                    "Environment variable " + name + " must be a URL such as http://127.0.0.1:4566, was '" + value + "'");
        }
    }

    @Override
    public void close() {
        dynamoDb.ifCreated(DynamoDbClient::close);
        sqs.ifCreated(SqsClient::close);
        s3.ifCreated(S3Client::close);
        s3Presigner.ifCreated(S3Presigner::close);
        secretsManager.ifCreated(SecretsManagerClient::close);
        httpClient.ifCreated(SdkHttpClient::close);
    }

    /** A value built on first use, then shared; thread-safe. */
    private static final class Lazy<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        T get() {
            var result = value;
            if (result == null) {
                synchronized (this) {
                    result = value;
                    if (result == null) {
                        result = factory.get();
                        value = result;
                    }
                }
            }
            return result;
        }

        void ifCreated(java.util.function.Consumer<T> action) {
            var current = value;
            if (current != null) {
                action.accept(current);
            }
        }
    }
}
