package dev.offstage.faults;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Injects faults into DynamoDB, SQS and S3 calls as a {@link FaultPlan} says: throttling and 5xx
 * errors before a request is sent, latency, 500s after a write has landed, and batch writes that
 * only partly succeed ({@link PartialBatch}).
 *
 * <p>The SDK builds one per client from this module's
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} resource (the no-argument
 * constructor), so putting this jar on a function's class path and setting {@code OFFSTAGE_FAULTS}
 * turns faults on with no change to the function. Without the variable it does nothing.
 *
 * <p>Faults are per attempt: the SDK retries them with its own retry strategy, as it retries AWS's.
 * Decisions come from a random seeded by the plan's seed (one stream per service), drawn in call
 * order and the same number of draws per attempt, so the same seed and the same sequence of calls
 * inject the same faults. Each fault is logged (one line with {@code fault}, {@code service},
 * {@code operation}) and counted in {@link FaultCounts}. Thread-safe.
 */
public final class FaultInjector implements ExecutionInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    // Carries this attempt's after-write decision from beforeTransmission to afterTransmission.
    private static final ExecutionAttribute<Boolean> FAIL_AFTER_WRITE = new ExecutionAttribute<>("OffstageFaultsFailAfterWrite");
    // Names the injector that cut the batch: another injector on the same client (an inert global one beside an
    // explicit one, in tests) sees the attribute too and must not report the entries twice.
    private static final ExecutionAttribute<Cut> PARTIAL = new ExecutionAttribute<>("OffstageFaultsPartialBatch");
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private final Optional<FaultPlan> plan;
    private final Map<AwsService, SplittableRandom> randoms = new EnumMap<>(AwsService.class); // guarded by itself
    /** Partial batches draw from a stream of their own, once per call (not per attempt). */
    private final SplittableRandom partialRandom; // guarded by itself

    /**
     * The injector the SDK builds: the plan in {@code OFFSTAGE_FAULTS}, or none.
     *
     * @throws ConfigurationException when the variable is malformed, so that building a client fails
     */
    public FaultInjector() {
        this(FaultPlan.fromEnvironment(Environment.system()));
    }

    /** An injector for {@code plan}, to add to a client explicitly. */
    public FaultInjector(FaultPlan plan) {
        this(Optional.of(plan));
    }

    private FaultInjector(Optional<FaultPlan> plan) {
        this.plan = plan;
        this.partialRandom = new SplittableRandom(plan.map(active -> active.seed() * 31 + 7).orElse(0L));
        plan.ifPresent(active -> LOG.atWarn().addKeyValue("faultPlan", active.toString())
                .log("Fault injection is on for this client ({})", FaultPlan.VARIABLE));
    }

    /** The plan this injector follows, or empty when it injects nothing. */
    public Optional<FaultPlan> plan() {
        return plan;
    }

    /** A batch write, now and then, loses some entries on the way (once per call: its retries resend what is left). */
    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        var service = coveredService(attributes);
        var operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (service.isEmpty() || plan.orElseThrow().partialBatch() == 0 || !PartialBatch.OPERATIONS.contains(operation)) {
            return context.request();
        }
        Optional<PartialBatch> cut;
        synchronized (partialRandom) {
            if (partialRandom.nextDouble() >= plan.get().partialBatch()) {
                return context.request();
            }
            cut = PartialBatch.cut(service.get(), context.request(), partialRandom.split());
        }
        if (cut.isEmpty()) {
            return context.request();
        }
        FaultCounts.record(FaultKind.PARTIAL_BATCH);
        LOG.atWarn().addKeyValue("fault", FaultKind.PARTIAL_BATCH).addKeyValue("service", service.get().settingName())
                .addKeyValue("operation", operation).addKeyValue("leftOut", cut.get().leftOut())
                .addKeyValue("entries", cut.get().entries())
                .log("Injected {}: {} {} sent {} of {} entries", FaultKind.PARTIAL_BATCH, service.get().settingName(), operation,
                        cut.get().entries() - cut.get().leftOut(), cut.get().entries());
        attributes.putAttribute(PARTIAL, new Cut(this, cut.get()));
        return cut.get().request();
    }

    /** Lists the entries {@link #modifyRequest} left out as the service lists entries it did not process. */
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        var cut = attributes.getAttribute(PARTIAL);
        return cut == null || cut.by() != this ? context.response() : cut.batch().report().apply(context.response());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        var service = coveredService(attributes);
        if (service.isEmpty()) {
            return;
        }
        var active = plan.orElseThrow();
        var operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        var draw = draw(service.get());
        attributes.putAttribute(FAIL_AFTER_WRITE,
                service.get().isWrite(operation) && draw.afterWrite() < active.failAfterWrite());
        if (active.addsLatency()) {
            var spanMillis = active.latencyMax().toMillis() - active.latencyMin().toMillis();
            var delayMillis = active.latencyMin().toMillis() + (long) (draw.latency() * (spanMillis + 1));
            if (delayMillis > 0) {
                FaultCounts.record(FaultKind.LATENCY);
                LOG.atInfo().addKeyValue("fault", FaultKind.LATENCY).addKeyValue("service", service.get().settingName())
                        .addKeyValue("operation", operation).addKeyValue("delayMs", delayMillis)
                        .log("Injected {} ms of latency into {} {}", delayMillis, service.get().settingName(), operation);
                sleep(delayMillis);
            }
        }
        if (draw.fault() < active.throttle()) {
            throw inject(FaultKind.THROTTLE, service.get(), operation, InjectedErrors.throttle(
                    service.get(), draw.variant(), message(FaultKind.THROTTLE, service.get(), operation), requestId()));
        }
        if (draw.fault() < active.throttle() + active.serverError()) {
            throw inject(FaultKind.SERVER_ERROR, service.get(), operation, InjectedErrors.serverError(
                    service.get(), draw.variant(), message(FaultKind.SERVER_ERROR, service.get(), operation), requestId()));
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (!Boolean.TRUE.equals(attributes.getAttribute(FAIL_AFTER_WRITE))) {
            return;
        }
        attributes.putAttribute(FAIL_AFTER_WRITE, false);
        // Only a write the service accepted has "landed"; its own errors pass through untouched.
        if (!context.httpResponse().isSuccessful()) {
            return;
        }
        var service = coveredService(attributes).orElseThrow();
        var operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        context.responseBody().ifPresent(FaultInjector::closeQuietly);
        throw inject(FaultKind.FAIL_AFTER_WRITE, service, operation, InjectedErrors.serverError(
                service, false, message(FaultKind.FAIL_AFTER_WRITE, service, operation), requestId()));
    }

    private Optional<AwsService> coveredService(ExecutionAttributes attributes) {
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        return AwsService.ofSdkServiceName(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))
                .filter(plan.get()::covers);
    }

    /** Always four draws per attempt, whatever they decide, so attempt n gets the same decisions in every run. */
    private Draw draw(AwsService service) {
        synchronized (randoms) {
            var random = randoms.computeIfAbsent(service,
                    ignored -> new SplittableRandom(plan.orElseThrow().seed() ^ (0x9E3779B97F4A7C15L * (service.ordinal() + 1))));
            return new Draw(random.nextDouble(), random.nextDouble(), random.nextBoolean(), random.nextDouble());
        }
    }

    private static AwsServiceException inject(FaultKind kind, AwsService service, String operation, AwsServiceException error) {
        FaultCounts.record(kind);
        LOG.atWarn().addKeyValue("fault", kind).addKeyValue("service", service.settingName())
                .addKeyValue("operation", operation).addKeyValue("status", error.statusCode())
                .addKeyValue("errorCode", error.awsErrorDetails().errorCode())
                .log("Injected {} into {} {}", kind, service.settingName(), operation);
        return error;
    }

    private static String message(FaultKind kind, AwsService service, String operation) {
        return "Injected by " + FaultPlan.VARIABLE + ": " + kind + " on " + service.settingName() + " " + operation;
    }

    private static String requestId() {
        return "offstage-fault-" + REQUEST_IDS.incrementAndGet();
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // The caller gets the injected error either way.
        }
    }

    private record Cut(FaultInjector by, PartialBatch batch) {
    }

    private record Draw(double latency, double fault, boolean variant, double afterWrite) {
    }
}
