package dev.offstage.faults;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.config.SettingsString;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * What to inject, read from {@code OFFSTAGE_FAULTS}: a seed, a rate per fault kind, a latency range
 * and the services affected. Immutable.
 *
 * <pre>{@code OFFSTAGE_FAULTS="seed=42;throttle=0.05;error5xx=0.02;failAfterWrite=0.02;partialBatch=0.05;latency=0-200ms;services=dynamodb,sqs,s3"}</pre>
 *
 * <ul>
 *   <li>{@code seed} (required): a long; the same seed and the same calls give the same faults;</li>
 *   <li>{@code throttle}, {@code error5xx}: the share of attempts failed with a throttling error or a
 *       500/503 before the request is sent (nothing lands); their sum is at most 1;</li>
 *   <li>{@code failAfterWrite}: the share of successful write attempts answered with a 500 after
 *       the service applied them (the write landed, the caller sees an error);</li>
 *   <li>{@code partialBatch}: the share of batch writes ({@code BatchWriteItem}, {@code SendMessageBatch},
 *       {@code DeleteObjects}) of two entries or more that only partly succeed: some entries are not
 *       sent, and the answer reports them as AWS reports entries it did not process;</li>
 *   <li>{@code latency}: {@code MIN-MAXms} (or {@code Nms}), a delay drawn uniformly for every attempt;</li>
 *   <li>{@code services}: a comma list of {@code dynamodb}, {@code sqs}, {@code s3}; all three when omitted.</li>
 * </ul>
 * Rates are decimals from 0 to 1 and default to 0. A plan must configure at least one fault.
 *
 * @param serverError the {@code error5xx} rate
 * @param latencyMin the shortest delay added to an attempt; {@link Duration#ZERO} when no latency is added
 * @param latencyMax the longest delay added to an attempt; {@link Duration#ZERO} when no latency is added
 */
public record FaultPlan(long seed, double throttle, double serverError, double failAfterWrite, double partialBatch,
                        Duration latencyMin, Duration latencyMax, Set<AwsService> services) {

    /** The environment variable the plan is read from. */
    public static final String VARIABLE = "OFFSTAGE_FAULTS";

    private static final Duration MAX_LATENCY = Duration.ofMinutes(1);
    private static final Pattern LATENCY = Pattern.compile("(\\d{1,6})(?:-(\\d{1,6}))?ms");
    private static final Set<String> KEYS = Set.of("seed", "throttle", "error5xx", "failAfterWrite", "partialBatch", "latency", "services");

    public FaultPlan {
        services = Set.copyOf(services);
    }

    /**
     * The plan in {@code OFFSTAGE_FAULTS}, or empty when the variable is unset or blank.
     *
     * @throws ConfigurationException when the variable is set but malformed
     */
    public static Optional<FaultPlan> fromEnvironment(Environment environment) {
        return environment.optional(VARIABLE).map(FaultPlan::parse);
    }

    /**
     * Parses settings in the {@code OFFSTAGE_FAULTS} format.
     *
     * @throws ConfigurationException naming the variable and the offending setting
     */
    public static FaultPlan parse(String settings) {
        var given = SettingsString.parse(settings, KEYS, problem -> invalid(settings, problem));
        var seed = given.seed();
        var throttle = given.rate("throttle");
        var serverError = given.rate("error5xx");
        var failAfterWrite = given.rate("failAfterWrite");
        var partialBatch = given.rate("partialBatch");
        var latencyMin = Duration.ZERO;
        var latencyMax = Duration.ZERO;
        if (given.has("latency")) {
            var value = given.values().get("latency");
            var matcher = LATENCY.matcher(value);
            if (!matcher.matches()) {
                throw invalid(settings, "latency must be MIN-MAXms or Nms, e.g. 0-200ms, was '" + value + "'");
            }
            latencyMin = Duration.ofMillis(Long.parseLong(matcher.group(1)));
            latencyMax = matcher.group(2) == null ? latencyMin : Duration.ofMillis(Long.parseLong(matcher.group(2)));
            if (latencyMax.compareTo(latencyMin) < 0 || latencyMax.compareTo(MAX_LATENCY) > 0) {
                throw invalid(settings, "latency needs MIN <= MAX <= 60000ms, was '" + value + "'");
            }
        }
        Set<AwsService> services = given.has("services")
                ? parseServices(settings, given.values().get("services")) : EnumSet.allOf(AwsService.class);
        if (throttle + serverError > 1) {
            throw invalid(settings, "throttle + error5xx must be at most 1, was " + (throttle + serverError));
        }
        if (throttle == 0 && serverError == 0 && failAfterWrite == 0 && partialBatch == 0 && latencyMax.isZero()) {
            throw invalid(settings, "no fault configured: set throttle, error5xx, failAfterWrite, partialBatch or latency (or unset the variable)");
        }
        return new FaultPlan(seed, throttle, serverError, failAfterWrite, partialBatch, latencyMin, latencyMax, services);
    }

    /** This plan in the {@code OFFSTAGE_FAULTS} format, every setting spelled out: {@code parse(toString())} equals it. */
    @Override
    public String toString() {
        var serviceNames = new StringJoiner(",");
        EnumSet.copyOf(services).forEach(service -> serviceNames.add(service.settingName()));
        return "seed=" + seed + ";throttle=" + throttle + ";error5xx=" + serverError + ";failAfterWrite=" + failAfterWrite
                + ";partialBatch=" + partialBatch + ";latency=" + latencyMin.toMillis() + "-" + latencyMax.toMillis() + "ms;services=" + serviceNames;
    }

    /** Whether calls to {@code service} get faults. */
    public boolean covers(AwsService service) {
        return services.contains(service);
    }

    boolean addsLatency() {
        return !latencyMax.isZero();
    }

    private static Set<AwsService> parseServices(String settings, String value) {
        var services = EnumSet.noneOf(AwsService.class);
        for (var name : value.split(",")) {
            var service = AwsService.named(name.strip().toLowerCase(Locale.ROOT)).orElseThrow(() -> invalid(
                    settings, "services must list dynamodb, sqs or s3, was '" + value + "'"));
            services.add(service);
        }
        return services;
    }

    private static ConfigurationException invalid(String settings, String problem) {
        return new ConfigurationException("Environment variable " + VARIABLE + " is malformed: " + problem
                + ". Was '" + settings + "'. Format: seed=42;throttle=0.05;error5xx=0.02;failAfterWrite=0.02;partialBatch=0.05;latency=0-200ms;services=dynamodb,sqs,s3");
    }
}
