package dev.offstage.faults;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Malformed settings stop a function at init instead of running it without faults. Runs in its own
 * surefire execution, which sets {@code OFFSTAGE_FAULTS=seed=3;throttle=1.5}.
 */
@EnabledIfEnvironmentVariable(named = FaultPlan.VARIABLE, matches = "seed=3;throttle=1\\.5")
class MalformedFaultSettingsTest {

    @Test
    void buildingAClientFailsNamingTheBadSetting() {
        var aws = AwsClients.from(Environment.of(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "offstage",
                "AWS_SECRET_ACCESS_KEY", "offstage-secret",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9")));

        // Class.newInstance hands the constructor's exception through unwrapped.
        assertThatThrownBy(aws::dynamoDb)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_FAULTS is malformed: throttle must be a rate from 0 to 1 such as 0.05, was '1.5'");
    }
}
