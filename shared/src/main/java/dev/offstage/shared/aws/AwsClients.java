package dev.offstage.shared.aws;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
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
    // Built on first use, then shared (guarded by this). Plain fields, not lambdas: creating a
    // lambda whose type names S3Client would load that class even in a function that never asks
    // for it, so a module could not leave the S3 or Secrets Manager jars out of its zip.
    private SdkHttpClient httpClient;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;
    private S3Client s3;
    private S3Presigner s3Presigner;
    private SecretsManagerClient secretsManager;

    private AwsClients(Environment environment) {
        this.environment = environment;
        this.region = Region.of(environment.optional("AWS_REGION")
                .or(() -> environment.optional("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new ConfigurationException(
                        "Missing required environment variable AWS_REGION (or AWS_DEFAULT_REGION)")));
        this.credentials = credentialsFrom(environment);
    }

    /** Clients configured from the process environment. */
    public static AwsClients fromEnvironment() {
        return from(Environment.system());
    }

    /** Clients configured from {@code environment}. @throws ConfigurationException when no region is set */
    public static AwsClients from(Environment environment) {
        return new AwsClients(environment);
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = configure(DynamoDbClient.builder(), "DYNAMODB").build();
        }
        return dynamoDb;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = configure(SqsClient.builder(), "SQS").build();
        }
        return sqs;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = configure(S3Client.builder(), "S3")
                    // Emulators (and LocalStack) serve buckets by path, not by virtual host.
                    .forcePathStyle(endpoint("S3").isPresent())
                    .build();
        }
        return s3;
    }

    public synchronized S3Presigner s3Presigner() {
        if (s3Presigner == null) {
            var builder = S3Presigner.builder().region(region).credentialsProvider(credentials);
            var endpoint = endpoint("S3");
            if (endpoint.isPresent()) {
                builder.endpointOverride(endpoint.get()).serviceConfiguration(
                        software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build());
            }
            s3Presigner = builder.build();
        }
        return s3Presigner;
    }

    /** The SDK's service id is "Secrets Manager": its variable is {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. */
    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
        }
        return secretsManager;
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
        builder.region(region).credentialsProvider(credentials).httpClient(httpClient());
        endpoint(serviceId).ifPresent(builder::endpointOverride);
        return builder;
    }

    private synchronized SdkHttpClient httpClient() {
        if (httpClient == null) {
            httpClient = UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .build();
        }
        return httpClient;
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
    public synchronized void close() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (s3Presigner != null) {
            s3Presigner.close();
        }
        if (secretsManager != null) {
            secretsManager.close();
        }
        if (httpClient != null) {
            httpClient.close();
        }
    }
}
