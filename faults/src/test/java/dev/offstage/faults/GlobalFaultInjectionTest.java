package dev.offstage.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The path a chaos run takes: this module on the class path, {@code OFFSTAGE_FAULTS} in the
 * environment, clients built by the toolkit's unchanged {@link AwsClients}. Runs in its own
 * surefire execution, which sets {@code OFFSTAGE_FAULTS=seed=3;throttle=1.0;services=sqs}.
 */
@ExtendWith(EmulatorsExtension.class)
@EnabledIfEnvironmentVariable(named = FaultPlan.VARIABLE, matches = "seed=3;throttle=1\\.0;services=sqs")
class GlobalFaultInjectionTest {

    private final Emulators emulators;

    GlobalFaultInjectionTest(Emulators emulators) {
        this.emulators = emulators;
    }

    @Test
    void toolkitClientsPickTheInjectorUpFromTheClassPath() {
        try (var aws = AwsClients.from(Environment.of(emulators.environment()))) {
            var before = FaultCounts.injected(FaultKind.THROTTLE);

            assertThatThrownBy(() -> aws.sqs().listQueues())
                    .isInstanceOfSatisfying(SqsException.class, error -> assertThat(error.isThrottlingException()).isTrue());

            var throttled = FaultCounts.injected(FaultKind.THROTTLE) - before;
            assertThat(throttled).as("attempts throttled: the SDK's default strategy retried").isGreaterThan(1);

            aws.dynamoDb().listTables();
            assertThat(FaultCounts.injected(FaultKind.THROTTLE) - before).as("DynamoDB is outside services=sqs").isEqualTo(throttled);
        }
    }
}
