package dev.offstage.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultPlanTest {

    @Test
    void everySettingIsRead() {
        var plan = FaultPlan.parse(" seed=42; throttle=0.05;error5xx=.02 ;failAfterWrite=1;partialBatch=0.5;latency=10-200ms;services=sqs, S3;");

        assertThat(plan).isEqualTo(new FaultPlan(42, 0.05, 0.02, 1.0, 0.5,
                Duration.ofMillis(10), Duration.ofMillis(200), Set.of(AwsService.SQS, AwsService.S3)));
    }

    @Test
    void aPlanPrintsInTheFormatItWasReadFrom() {
        var plan = FaultPlan.parse("seed=3;failAfterWrite=0.25;services=s3,dynamodb");

        assertThat(plan).hasToString("seed=3;throttle=0.0;error5xx=0.0;failAfterWrite=0.25;partialBatch=0.0;latency=0-0ms;services=dynamodb,s3");
        assertThat(FaultPlan.parse(plan.toString())).isEqualTo(plan);
    }

    @Test
    void unsetRatesAreZeroAndAllServicesAreCovered() {
        var plan = FaultPlan.parse("seed=-7;latency=50ms");

        assertThat(plan.throttle()).isZero();
        assertThat(plan.serverError()).isZero();
        assertThat(plan.failAfterWrite()).isZero();
        assertThat(plan.latencyMin()).isEqualTo(plan.latencyMax()).isEqualTo(Duration.ofMillis(50));
        assertThat(plan.services()).containsExactlyInAnyOrder(AwsService.values());
    }

    @Test
    void unsetOrBlankVariableMeansNoPlan() {
        assertThat(FaultPlan.fromEnvironment(Environment.of(Map.of()))).isEmpty();
        assertThat(FaultPlan.fromEnvironment(Environment.of(Map.of(FaultPlan.VARIABLE, "  ")))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            throttle=0.1                          | 'seed' is required
            seed=1;thottle=0.1                    | unknown setting 'thottle'
            seed=1;throttle                       | 'throttle' is not key=value
            seed=1;throttle=0.1;throttle=0.2      | 'throttle' is set twice
            seed=x;throttle=0.1                   | seed must be an integer
            seed=1;throttle=1.5                   | throttle must be a rate from 0 to 1
            seed=1;error5xx=-0.1                  | error5xx must be a rate from 0 to 1
            seed=1;failAfterWrite=NaN             | failAfterWrite must be a rate from 0 to 1
            seed=1;throttle=5%                    | throttle must be a rate from 0 to 1
            seed=1;throttle=0.6;error5xx=0.5      | throttle + error5xx must be at most 1
            seed=1;latency=200-100ms              | latency needs MIN <= MAX
            seed=1;latency=0-200                  | latency must be MIN-MAXms
            seed=1;latency=0-90000ms              | latency needs MIN <= MAX <= 60000ms
            seed=1;throttle=0.1;services=dynamodb,kinesis | services must list dynamodb, sqs or s3
            seed=1;throttle=0.1;services=         | services must list dynamodb, sqs or s3
            seed=1                                | no fault configured
            seed=1;throttle=0;latency=0ms         | no fault configured
            """)
    void malformedSettingsFailNamingTheVariableAndTheProblem(String settings, String problem) {
        assertThatThrownBy(() -> FaultPlan.parse(settings))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_FAULTS is malformed")
                .hasMessageContaining(problem);
    }

    @Test
    void malformedVariableFailsWhenTheEnvironmentIsRead() {
        var environment = Environment.of(Map.of(FaultPlan.VARIABLE, "seed=1;throttle=2"));

        assertThatThrownBy(() -> FaultPlan.fromEnvironment(environment))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("throttle must be a rate from 0 to 1 such as 0.05, was '2'");
    }
}
