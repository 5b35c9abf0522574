package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyConfigTest {

    @Test
    void everySettingComesFromTheEnvironment() {
        var config = IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "offstage-idempotency",
                "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS", "7200",
                "OFFSTAGE_IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS", "60",
                "OFFSTAGE_IDEMPOTENCY_KEY_PREFIX", "SpamFunction",
                "OFFSTAGE_IDEMPOTENCY_PAYLOAD_VALIDATION", "false",
                "OFFSTAGE_IDEMPOTENCY_CACHE_SIZE", "500")));

        assertThat(config).isEqualTo(new IdempotencyConfig("offstage-idempotency", Duration.ofHours(2),
                Duration.ofMinutes(1), "SpamFunction", false, 500));
    }

    @Test
    void onlyTheTableIsRequired() {
        var config = IdempotencyConfig.from(Environment.of(Map.of("OFFSTAGE_IDEMPOTENCY_TABLE", "offstage-idempotency")));

        assertThat(config).isEqualTo(IdempotencyConfig.of("offstage-idempotency"));
        assertThat(config.expiry()).isEqualTo(Duration.ofHours(1));
        assertThat(config.inProgressTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.keyPrefix()).isEmpty();
        assertThat(config.payloadValidation()).isTrue();
        assertThat(config.cacheSize()).isZero();
    }

    @Test
    void keyPrefixDefaultsToTheLambdaFunctionName() {
        var config = IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "offstage-idempotency",
                "AWS_LAMBDA_FUNCTION_NAME", "offstage-BuildRunner-1A2B3C")));

        assertThat(config.keyPrefix()).isEqualTo("offstage-BuildRunner-1A2B3C");
        assertThat(config.storedKey("delivery")).isEqualTo("offstage-BuildRunner-1A2B3C#delivery");
    }

    @Test
    void missingTableFailsAtInitNamingTheVariable() {
        assertThatThrownBy(() -> IdempotencyConfig.from(Environment.of(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_IDEMPOTENCY_TABLE");
    }

    @Test
    void nonPositiveTtlFailsNamingTheVariable() {
        assertThatThrownBy(() -> IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "t", "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS", "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_IDEMPOTENCY_TTL_SECONDS");
        assertThatThrownBy(() -> IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "t", "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS", "one hour"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_IDEMPOTENCY_TTL_SECONDS");
    }

    @Test
    void negativeCacheSizeFailsNamingTheVariable() {
        assertThatThrownBy(() -> IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "t", "OFFSTAGE_IDEMPOTENCY_CACHE_SIZE", "-1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_IDEMPOTENCY_CACHE_SIZE");
    }

    @Test
    void prefixWithTheSeparatorIsRejected() {
        assertThatThrownBy(() -> IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", "t", "OFFSTAGE_IDEMPOTENCY_KEY_PREFIX", "a#b"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_IDEMPOTENCY_KEY_PREFIX");
        assertThatThrownBy(() -> IdempotencyConfig.of("t").withKeyPrefix("a#b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withersChangeOneSettingEach() {
        var config = IdempotencyConfig.of("t")
                .withExpiry(Duration.ofMinutes(5))
                .withInProgressTimeout(Duration.ofSeconds(30))
                .withKeyPrefix("Fn")
                .withPayloadValidation(false)
                .withCache(10);

        assertThat(config).isEqualTo(new IdempotencyConfig("t", Duration.ofMinutes(5), Duration.ofSeconds(30), "Fn", false, 10));
        assertThat(config.storedKey("k")).isEqualTo("Fn#k");
        assertThat(IdempotencyConfig.of("t").storedKey("k")).isEqualTo("k");
    }
}
