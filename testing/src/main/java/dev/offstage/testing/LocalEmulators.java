package dev.offstage.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import scala.concurrent.Await;
import scala.concurrent.duration.FiniteDuration;

/**
 * dynalite (a Node.js process), ElasticMQ, S3Proxy and {@link SecretsManagerEmulator} (all three in
 * this JVM), each on a free loopback port chosen by the operating system — never a fixed one.
 */
final class LocalEmulators implements Emulators {

    private static final Pattern PORT_LINE = Pattern.compile("\\{\"port\":(\\d+)}");
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Process dynalite;
    /** Ends dynalite if the JVM exits without {@link #close()}; removed by it. */
    private final Thread dynaliteStopper;
    private final URI dynamoDbEndpoint;
    private final SQSRestServer elasticMq;
    private final ActorSystem elasticMqActors;
    private final URI sqsEndpoint;
    private final S3Proxy s3Proxy;
    private final URI s3Endpoint;
    private final SecretsManagerEmulator secretsManager;
    private volatile boolean closed;

    private LocalEmulators(StartedProcess dynalite, SQSRestServer elasticMq, ActorSystem elasticMqActors,
            URI sqsEndpoint, S3Proxy s3Proxy, URI s3Endpoint, SecretsManagerEmulator secretsManager) {
        this.dynalite = dynalite.process();
        this.dynaliteStopper = dynalite.stopper();
        this.dynamoDbEndpoint = dynalite.endpoint();
        this.elasticMq = elasticMq;
        this.elasticMqActors = elasticMqActors;
        this.sqsEndpoint = sqsEndpoint;
        this.s3Proxy = s3Proxy;
        this.s3Endpoint = s3Endpoint;
        this.secretsManager = secretsManager;
    }

    static LocalEmulators start() {
        return start(Optional.empty());
    }

    /** Starts them, S3Proxy telling {@code s3Listener} (when given) about every object created or removed. */
    static LocalEmulators start(Optional<S3ObjectListener> s3Listener) {
        // dynalite starts in its own process while the two in-JVM servers start here.
        var dynalite = CompletableFuture.supplyAsync(LocalEmulators::startDynalite);
        var elasticMqActors = ActorSystem.create("elasticmq");
        SQSRestServer elasticMq = null;
        S3Proxy s3Proxy = null;
        SecretsManagerEmulator secretsManager = null;
        try {
            elasticMq = SQSRestServerBuilder.withActorSystem(elasticMqActors)
                    .withInterface("127.0.0.1")
                    .withDynamicPort()
                    .withAWSRegion(REGION)
                    .withAWSAccountId(ACCOUNT_ID)
                    .start();
            var sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
            s3Proxy = startS3Proxy(s3Listener);
            secretsManager = SecretsManagerEmulator.start(REGION, ACCOUNT_ID);
            var started = dynalite.get(START_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
            return new LocalEmulators(started, elasticMq, elasticMqActors,
                    URI.create("http://127.0.0.1:" + sqsPort), s3Proxy,
                    URI.create("http://127.0.0.1:" + s3Proxy.getPort()), secretsManager);
        } catch (Exception e) {
            dynalite.thenAccept(StartedProcess::destroyForcibly);
            stop(elasticMq, elasticMqActors);
            stopQuietly(s3Proxy);
            if (secretsManager != null) {
                secretsManager.close();
            }
            throw new IllegalStateException("Could not start the local emulators: " + e.getMessage(), e);
        }
    }

    /** A child process, its endpoint and the shutdown hook that ends it with the JVM. */
    private record StartedProcess(Process process, URI endpoint, Thread stopper) {

        void destroyForcibly() {
            LocalEmulators.destroyForcibly(process, stopper);
        }
    }

    private static StartedProcess startDynalite() {
        var module = NodeModules.find("dynalite");
        Process process;
        try {
            var launcher = Files.createTempFile("offstage-dynalite-", ".js");
            launcher.toFile().deleteOnExit();
            try (var script = LocalEmulators.class.getResourceAsStream("dynalite-launcher.js")) {
                Files.write(launcher, script.readAllBytes());
            }
            process = new ProcessBuilder(NodeModules.node(), launcher.toString(), module.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start dynalite with '" + NodeModules.node()
                    + "' (is Node.js 20+ installed? set OFFSTAGE_NODE to its path)", e);
        }
        var stopper = new Thread(process::destroyForcibly, "dynalite-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
        var port = CompletableFuture.supplyAsync(() -> readPort(process));
        try {
            return new StartedProcess(process,
                    URI.create("http://127.0.0.1:" + port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)), stopper);
        } catch (TimeoutException e) {
            destroyForcibly(process, stopper);
            throw new IllegalStateException("dynalite did not report its port within " + START_TIMEOUT_SECONDS + " s");
        } catch (Exception e) {
            destroyForcibly(process, stopper);
            throw new IllegalStateException("dynalite failed to start: " + e.getMessage(), e);
        }
    }

    private static int readPort(Process process) {
        try {
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                var matcher = PORT_LINE.matcher(line.strip());
                if (matcher.matches()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
            throw new IllegalStateException("dynalite exited with code " + process.waitFor() + " before listening");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static S3Proxy startS3Proxy(Optional<S3ObjectListener> s3Listener) throws Exception {
        var properties = new Properties();
        properties.setProperty("jclouds.identity", "offstage");
        properties.setProperty("jclouds.credential", TestSecrets.EMULATOR_SECRET_ACCESS_KEY);
        var blobStore = BlobStores.create("transient", properties);
        var proxy = S3Proxy.builder()
                .blobStore(s3Listener.<BlobStore>map(listener -> new NotifyingBlobStore(blobStore, listener)).orElse(blobStore))
                // Both signature versions, as AWS accepts them: the SDK signs with v4, old tools with v2.
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "offstage", TestSecrets.EMULATOR_SECRET_ACCESS_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .ignoreUnknownHeaders(true)
                .build();
        ChunkedBodyDraining.install(proxy);
        try {
            proxy.start();
            awaitStarted("S3Proxy", proxy::getState, Duration.ofSeconds(START_TIMEOUT_SECONDS));
        } catch (Exception e) {
            stopQuietly(proxy);
            throw e;
        }
        return proxy;
    }

    /**
     * Waits for a Jetty-style lifecycle ({@code STARTING}, {@code STARTED}, {@code FAILED}) to reach
     * {@code STARTED}.
     *
     * @throws IllegalStateException when it reports {@code FAILED} or is not started within {@code timeout}
     */
    static void awaitStarted(String name, Supplier<String> state, Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        for (var current = state.get(); !"STARTED".equals(current); current = state.get()) {
            if ("FAILED".equals(current)) {
                throw new IllegalStateException(name + " failed to start");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException(name + " did not start within " + timeout.toMillis() / 1000.0 + " s (state "
                        + current + ")");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public String backend() {
        return "local";
    }

    @Override
    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    @Override
    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    @Override
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    @Override
    public URI secretsManagerEndpoint() {
        return secretsManager.endpoint();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        dynalite.destroy();
        stop(elasticMq, elasticMqActors);
        stopQuietly(s3Proxy);
        secretsManager.close();
        try {
            if (!dynalite.waitFor(5, TimeUnit.SECONDS)) {
                dynalite.destroyForcibly();
            }
        } catch (InterruptedException e) {
            dynalite.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Only now: should the JVM exit while this closes, the hook still ends dynalite.
        removeShutdownHook(dynaliteStopper);
    }

    /**
     * Stops ElasticMQ within seconds. Its own stop waits up to a minute for the requests in flight,
     * and a receive that long-polls for 20 s (as every SQS event source mapping does) stays in
     * flight after its client has gone: requests get a second, then the actors stop.
     */
    private static void stop(SQSRestServer server, ActorSystem actors) {
        try {
            if (server != null) {
                Await.result(server.waitUntilStarted().terminate(FiniteDuration.apply(1, TimeUnit.SECONDS)),
                        FiniteDuration.apply(10, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            // Best effort: the actors stop below either way, and with them the server.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            try {
                Await.result(actors.terminate(), FiniteDuration.apply(10, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void destroyForcibly(Process process, Thread stopper) {
        process.destroyForcibly();
        removeShutdownHook(stopper);
    }

    /** Forgets a shutdown hook; does nothing once the JVM is exiting, when the hook runs anyway. */
    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hooks are running: this one ends the process too.
        }
    }

    /** The shutdown hook that ends dynalite should the JVM exit before {@link #close()}. */
    Thread dynaliteStopper() {
        return dynaliteStopper;
    }

    private static void stopQuietly(S3Proxy proxy) {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // Stopping is best effort: the JVM is usually about to exit.
        }
    }

    @Override
    public String toString() {
        return "local emulators (DynamoDB " + dynamoDbEndpoint + ", SQS " + sqsEndpoint + ", S3 " + s3Endpoint
                + ", Secrets Manager " + secretsManager.endpoint() + ")";
    }
}
