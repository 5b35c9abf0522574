package dev.offstage.testing;

import java.net.URI;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container, through the Testcontainers module. Needs a Docker engine: where there
 * is none, tests are reported skipped with the reason, and the local runtime stops with it.
 */
final class LocalStackEmulators implements Emulators {

    /** The image; override with {@code OFFSTAGE_LOCALSTACK_IMAGE}. */
    private static final String DEFAULT_IMAGE = "localstack/localstack:4.10";

    private final LocalStackContainer container;

    private LocalStackEmulators(LocalStackContainer container) {
        this.container = container;
    }

    static final String NO_DOCKER = "LocalStack needs a Docker engine, and none is reachable here; "
            + "use the local emulators (dynalite, ElasticMQ, S3Proxy) instead";

    /** For tests: aborts the calling test (reported skipped, with the reason) where Docker is absent. */
    static LocalStackEmulators startForTests() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestAbortedException("OFFSTAGE_TEST_BACKEND=localstack: " + NO_DOCKER);
        }
        return start();
    }

    /** @throws IllegalStateException where Docker is absent */
    static LocalStackEmulators start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(NO_DOCKER);
        }
        var image = System.getenv().getOrDefault("OFFSTAGE_LOCALSTACK_IMAGE", DEFAULT_IMAGE);
        var container = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
                .withServices("dynamodb", "sqs", "s3", "secretsmanager")
                .withEnv("AWS_DEFAULT_REGION", REGION);
        container.start();
        return new LocalStackEmulators(container);
    }

    @Override
    public String backend() {
        return "localstack";
    }

    @Override
    public URI dynamoDbEndpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI sqsEndpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI s3Endpoint() {
        return container.getEndpoint();
    }

    @Override
    public URI secretsManagerEndpoint() {
        return container.getEndpoint();
    }

    @Override
    public void close() {
        container.stop();
    }
}
