package dev.offstage.shared.idempotency;

import dev.offstage.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.TestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyCallTest {

    @Test
    void blankKeyIsRejected() {
        assertThatThrownBy(() -> IdempotentCall.of(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytePayloadIsHashedWithSha256() {
        var call = IdempotentCall.of("k").payload("abc".getBytes(StandardCharsets.UTF_8));

        assertThat(call.payloadHash()).contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(IdempotentCall.of("k").payloadHash()).isEmpty();
    }

    @Test
    void equalMapsHashEquallyWhateverTheirOrder() {
        var ab = new LinkedHashMap<String, Object>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 2, "x", 1));
        var ba = new LinkedHashMap<String, Object>();
        ba.put("b", Map.of("x", 1, "y", 2));
        ba.put("a", 1);

        assertThat(IdempotentCall.of("k").payload(ab).payloadHash())
                .isEqualTo(IdempotentCall.of("k").payload(ba).payloadHash());
        assertThat(IdempotentCall.of("k").payload(Map.of("a", 2)).payloadHash())
                .isNotEqualTo(IdempotentCall.of("k").payload(Map.of("a", 1)).payloadHash());
    }

    @Test
    void withAContextTheKeyIsHeldUntilTheLambdaDeadline() {
        var clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
        var context = TestContext.forFunction("BuildRunner").clock(clock, Duration.ofSeconds(90));
        var config = IdempotencyConfig.of("t");

        assertThat(IdempotentCall.of("k").until(context).heldUntilMillis(clock, config))
                .isEqualTo(clock.millis() + 90_000);
        assertThat(IdempotentCall.of("k").heldUntilMillis(clock, config))
                .isEqualTo(clock.millis() + config.inProgressTimeout().toMillis());
    }

    @Test
    void descriptionNeverShowsThePayload() {
        var call = IdempotentCall.of("delivery").payload("secret-token".getBytes(StandardCharsets.UTF_8));

        assertThat(call.toString()).contains("delivery").doesNotContain("secret").doesNotContain(call.payloadHash().orElseThrow());
    }
}
