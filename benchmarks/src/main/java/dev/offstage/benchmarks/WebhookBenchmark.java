package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.offstage.ci.CiSetup;
import dev.offstage.ci.webhook.SignatureVerifier;
import dev.offstage.ci.webhook.WebhookIntake;
import dev.offstage.local.resources.ResourceProvisioner;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The GitHub webhook's latency per delivery, warm and in-process: what {@code GitHubWebhookHandler}
 * does ({@link LambdaLogging#begin}, {@link ApiResponses#handle} around {@link WebhookIntake#receive}),
 * with the intake built by {@link CiSetup} from the environment {@code template.yaml} gives
 * {@code GitHubWebhookFunction}, its resources provisioned in the emulators as the local runtime
 * provisions them. Deliveries are {@code events/github-push.json}, signed with the local secret.
 *
 * <p>Cases: a push that queues a build (a fresh delivery id each time: idempotency claim and
 * completion, build record, head pointer, one SQS message), its redelivery (answered from the
 * idempotency record), an event that does not build ({@code star}: signature, parse, no writes),
 * a bad signature (401). Baselines from the same emulators: one plain PutItem, one SendMessage.
 * Sample time, so JMH reports percentiles. Run with {@code scripts/bench-webhook}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class WebhookBenchmark {

    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final String FUNCTION = "GitHubWebhookFunction";
    /** What the local runtime generates for a secret with GenerateSecretString: the events are signed with it. */
    private static final String LOCAL_SECRET = "local-github-webhook-secret";

    private Emulators emulators;
    private AwsClients aws;
    private WebhookIntake intake;
    private TestContext context;
    private String idempotencyTable;
    private String buildsQueueUrl;
    private APIGatewayV2HTTPEvent push;
    private APIGatewayV2HTTPEvent redelivery;
    private APIGatewayV2HTTPEvent star;
    private APIGatewayV2HTTPEvent badSignature;
    private final AtomicLong counter = new AtomicLong();

    @Setup(Level.Trial)
    public void start() {
        emulators = Emulators.start();
        aws = AwsClients.from(Environment.of(emulators.environment()));
        var naming = LocalNaming.of("bench-webhook-" + UUID.randomUUID().toString().substring(0, 8),
                emulators.sqsEndpoint(), URI.create("http://localhost:3000"));
        var application = Templates.load(TEMPLATE, Map.of(), naming);
        var resources = new ResourceProvisioner(aws).provision(application);
        idempotencyTable = resources.table("IdempotencyTable").name();
        buildsQueueUrl = resources.queue("BuildsQueue").url();

        // What the function sees: the emulators' endpoints and credentials, and its template environment.
        var variables = new HashMap<>(emulators.environment());
        variables.putAll(application.functions().get(FUNCTION).environment());
        intake = new CiSetup(Environment.of(variables), aws, Clock.systemUTC()).webhookIntake();
        context = TestContext.forFunction(FUNCTION);

        push = EventLoader.loadApiGatewayHttpEvent("events/github-push.json");
        if (!new SignatureVerifier(LOCAL_SECRET).sign(Base64.getDecoder().decode(push.getBody()))
                .equals(header(push, "x-hub-signature-256"))) {
            throw new IllegalStateException("events/github-push.json is not signed with " + LOCAL_SECRET);
        }
        redelivery = withHeader(push, "x-github-delivery", UUID.randomUUID().toString());
        star = withHeader(push, "x-github-event", "star");
        badSignature = EventLoader.loadApiGatewayHttpEvent("events/github-push-bad-signature.json");

        // Each case answers what it should before anything is measured.
        expect(deliver(redelivery), 202, "\"queued\"");
        expect(deliver(redelivery), 202, "\"queued\"");
        expect(deliver(star), 202, "\"ignored\"");
        expect(deliver(badSignature), 401, "");
        expect(deliver(withHeader(push, "x-github-delivery", UUID.randomUUID().toString())), 202, "\"queued\"");
    }

    @TearDown(Level.Trial)
    public void stop() {
        aws.close();
        emulators.close();
    }

    /** A new delivery: idempotency claim, build record, head pointer, SQS message, idempotency completion. */
    @Benchmark
    public APIGatewayV2HTTPResponse queuedPush() {
        return expect(deliver(withHeader(push, "x-github-delivery", UUID.randomUUID().toString())), 202, "");
    }

    /** The same delivery again: answered from its idempotency record, nothing queued. */
    @Benchmark
    public APIGatewayV2HTTPResponse redelivery() {
        return expect(deliver(redelivery), 202, "");
    }

    /** An event that never builds: signature check and parse, no request to any service. */
    @Benchmark
    public APIGatewayV2HTTPResponse ignoredEvent() {
        return expect(deliver(star), 202, "");
    }

    @Benchmark
    public APIGatewayV2HTTPResponse badSignature() {
        return expect(deliver(badSignature), 401, "");
    }

    /** Baseline: one plain PutItem on the same dynalite. */
    @Benchmark
    public Object onePutItem() {
        return aws.dynamoDb().putItem(put -> put.tableName(idempotencyTable).item(Map.of(
                "id", AttributeValue.fromS("bench-put#" + counter.incrementAndGet()),
                "data", AttributeValue.fromS("{\"status\":\"queued\"}"))));
    }

    /** Baseline: one SendMessage on the same ElasticMQ, to the builds queue. */
    @Benchmark
    public Object oneSendMessage() {
        return aws.sqs().sendMessage(send -> send.queueUrl(buildsQueueUrl)
                .messageBody("{\"buildId\":\"bench-" + counter.incrementAndGet() + "\"}"));
    }

    /** What the handler does with the event, minus the runtime. */
    private APIGatewayV2HTTPResponse deliver(APIGatewayV2HTTPEvent event) {
        try (var invocation = LambdaLogging.begin(context)) {
            return ApiResponses.handle(event, intake::receive);
        }
    }

    /** A wrong answer would make the numbers meaningless: fail the run instead. */
    private static APIGatewayV2HTTPResponse expect(APIGatewayV2HTTPResponse response, int status, String bodyContains) {
        if (response.getStatusCode() != status || !response.getBody().contains(bodyContains)) {
            throw new IllegalStateException("Expected " + status + " with " + bodyContains + ", got "
                    + response.getStatusCode() + " " + response.getBody());
        }
        return response;
    }

    private static String header(APIGatewayV2HTTPEvent event, String name) {
        return event.getHeaders().get(name);
    }

    /** A copy of {@code event} with one header changed; the body and its signature stay. */
    private static APIGatewayV2HTTPEvent withHeader(APIGatewayV2HTTPEvent event, String name, String value) {
        var headers = new HashMap<>(event.getHeaders());
        headers.put(name, value);
        var copy = new APIGatewayV2HTTPEvent();
        copy.setVersion(event.getVersion());
        copy.setRouteKey(event.getRouteKey());
        copy.setRawPath(event.getRawPath());
        copy.setRawQueryString(event.getRawQueryString());
        copy.setRequestContext(event.getRequestContext());
        copy.setBody(event.getBody());
        copy.setIsBase64Encoded(event.getIsBase64Encoded());
        copy.setHeaders(headers);
        return copy;
    }
}
