package dev.offstage.shared.metrics;

import dev.offstage.shared.config.Environment;

/**
 * Where metrics go and which service they describe. Read once, at init.
 *
 * @param namespace the CloudWatch namespace: 1–255 characters, not starting with {@code :}
 * @param service   the value of the {@value Metrics#SERVICE_DIMENSION} dimension added to every
 *                  metric, or {@code null} for none
 */
public record MetricsConfig(String namespace, String service) {

    /** The namespace when {@value #NAMESPACE_VARIABLE} is unset. */
    public static final String DEFAULT_NAMESPACE = "Offstage";
    public static final String NAMESPACE_VARIABLE = "OFFSTAGE_METRICS_NAMESPACE";
    public static final String SERVICE_VARIABLE = "OFFSTAGE_SERVICE";

    /** @throws IllegalArgumentException when the namespace or service breaks CloudWatch's rules */
    public MetricsConfig {
        Names.requireName("Metric namespace", namespace, Names.MAX_NAME_LENGTH);
        if (namespace.startsWith(":")) {
            throw new IllegalArgumentException("Metric namespace cannot start with ':', was '" + namespace + "'");
        }
        if (service != null) {
            Names.requireDimensionValue(Metrics.SERVICE_DIMENSION, service);
        }
    }

    /**
     * Namespace from {@value #NAMESPACE_VARIABLE} (default {@value #DEFAULT_NAMESPACE}); service
     * from {@value #SERVICE_VARIABLE}, else Lambda's {@code AWS_LAMBDA_FUNCTION_NAME}, else none.
     */
    public static MetricsConfig from(Environment environment) {
        var service = environment.optional(SERVICE_VARIABLE)
                .or(() -> environment.optional("AWS_LAMBDA_FUNCTION_NAME"))
                .orElse(null);
        return new MetricsConfig(environment.get(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE), service);
    }
}
