package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Expiry decided in the condition expression (dynalite never deletes by TTL), and the in-memory cache. */
@ExtendWith(EmulatorsExtension.class)
class IdempotencyExpiryTest {

    private final IdempotencyFixture fixture;
    private final AtomicInteger runs = new AtomicInteger();

    IdempotencyExpiryTest(Emulators emulators) {
        this.fixture = new IdempotencyFixture(emulators);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private String work(String result) {
        runs.incrementAndGet();
        return result;
    }

    @Test
    void expiredRecordIsReplacedThoughItWasNeverDeleted() {
        var idempotency = fixture.idempotency();
        idempotency.run("report", String.class, () -> work("first"));

        fixture.clock.advance(IdempotencyConfig.DEFAULT_EXPIRY);
        assertThat(idempotency.run("report", String.class, () -> work("never"))).isEqualTo("first");

        fixture.clock.advance(Duration.ofSeconds(1));
        assertThat(fixture.item("report")).as("still stored: nothing deletes it locally").isNotEmpty();
        assertThat(idempotency.run("report", String.class, () -> work("second"))).isEqualTo("second");

        assertThat(runs).hasValue(2);
        assertThat(fixture.item("report").get("data").s()).isEqualTo("\"second\"");
    }

    @Test
    void tableAndTtlComeFromTheEnvironment() {
        var config = IdempotencyConfig.from(Environment.of(Map.of(
                "OFFSTAGE_IDEMPOTENCY_TABLE", fixture.table,
                "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS", "60")));
        var idempotency = new Idempotency(fixture.dynamoDb, config, fixture.clock);

        idempotency.run("configured", String.class, () -> work("stored"));

        assertThat(Long.parseLong(fixture.item("configured").get("expiration").n()))
                .isEqualTo(fixture.clock.instant().getEpochSecond() + 60);
        fixture.clock.advance(Duration.ofSeconds(61));
        assertThat(idempotency.run("configured", String.class, () -> work("again"))).isEqualTo("again");
    }

    @Test
    void shortExpiryNeverLetsASecondCallInBeforeTheHoldersDeadline() {
        var idempotency = fixture.idempotency(config -> config.withExpiry(Duration.ofSeconds(60)));
        var context = TestContext.forFunction("BuildRunner").clock(fixture.clock, Duration.ofMinutes(15));

        idempotency.run(IdempotentCall.of("long-build").until(context), String.class, () -> {
            fixture.clock.advance(Duration.ofMinutes(5));
            assertThatThrownBy(() -> idempotency.run("long-build", String.class, () -> work("never")))
                    .isInstanceOf(IdempotencyInProgressException.class);
            return work("built");
        });

        assertThat(runs).hasValue(1);
    }

    @Test
    void inProgressRecordHoldsTheLambdaDeadline() {
        var idempotency = fixture.idempotency();
        var context = TestContext.forFunction("BuildRunner").clock(fixture.clock, Duration.ofSeconds(42));

        idempotency.run(IdempotentCall.of("deadline").until(context), String.class, () -> {
            var item = fixture.item("deadline");
            assertThat(item.get("status").s()).isEqualTo("INPROGRESS");
            assertThat(Long.parseLong(item.get("in_progress_expiration").n()))
                    .isEqualTo(fixture.clock.millis() + 42_000);
            return work("done");
        });
    }

    @Test
    void cachedResultIsServedWithoutCallingDynamoDb() {
        var idempotency = fixture.idempotency(config -> config.withCache(100));
        idempotency.run("cached", String.class, () -> work("from memory"));
        fixture.deleteItem("cached");
        fixture.dynamoDb.resetCounts();

        assertThat(idempotency.run("cached", String.class, () -> work("never"))).isEqualTo("from memory");

        assertThat(fixture.dynamoDb.totalCalls()).isZero();
        assertThat(runs).hasValue(1);
    }

    @Test
    void resultReadFromTheTableIsCachedToo() {
        fixture.idempotency().run("read-through", String.class, () -> work("stored"));
        var cached = fixture.idempotency(config -> config.withCache(100));
        assertThat(cached.run("read-through", String.class, () -> work("never"))).isEqualTo("stored");
        fixture.dynamoDb.resetCounts();

        assertThat(cached.run("read-through", String.class, () -> work("never"))).isEqualTo("stored");

        assertThat(fixture.dynamoDb.totalCalls()).isZero();
    }

    @Test
    void cachedResultExpiresWithItsRecord() {
        var idempotency = fixture.idempotency(config -> config.withCache(100));
        idempotency.run("cached", String.class, () -> work("first"));

        fixture.clock.advance(IdempotencyConfig.DEFAULT_EXPIRY.plusSeconds(1));

        assertThat(idempotency.run("cached", String.class, () -> work("second"))).isEqualTo("second");
        assertThat(runs).hasValue(2);
    }

    @Test
    void cachedResultStillChecksThePayload() {
        var idempotency = fixture.idempotency(config -> config.withCache(100));
        idempotency.run(IdempotentCall.of("cached").payload("one".getBytes()), String.class, () -> work("first"));
        fixture.dynamoDb.resetCounts();

        assertThatThrownBy(() -> idempotency.run(IdempotentCall.of("cached").payload("two".getBytes()), String.class,
                () -> work("never"))).isInstanceOf(IdempotencyPayloadMismatchException.class);
        assertThat(fixture.dynamoDb.totalCalls()).isZero();
    }

    @Test
    void cacheEvictsTheLeastRecentlyUsedResult() {
        var idempotency = fixture.idempotency(config -> config.withCache(1));
        idempotency.run("a", String.class, () -> work("a"));
        idempotency.run("b", String.class, () -> work("b"));
        fixture.dynamoDb.resetCounts();

        assertThat(idempotency.run("b", String.class, () -> work("never"))).isEqualTo("b");
        assertThat(fixture.dynamoDb.totalCalls()).isZero();
        assertThat(idempotency.run("a", String.class, () -> work("never"))).isEqualTo("a");
        assertThat(fixture.dynamoDb.totalCalls()).isPositive();
    }

    @Test
    void withoutCacheEveryDuplicateAsksDynamoDb() {
        var idempotency = fixture.idempotency();
        idempotency.run("uncached", String.class, () -> work("stored"));
        fixture.dynamoDb.resetCounts();

        idempotency.run("uncached", String.class, () -> work("never"));

        assertThat(fixture.dynamoDb.calls("PutItem")).isEqualTo(1);
        assertThat(fixture.dynamoDb.calls("GetItem")).isEqualTo(1);
    }
}
