package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a call does with a key: run once, answer duplicates, forget failures, check payloads. */
@ExtendWith(EmulatorsExtension.class)
class IdempotencyTest {

    record BuildId(String value) {}

    private final IdempotencyFixture fixture;
    private final AtomicInteger runs = new AtomicInteger();

    IdempotencyTest(Emulators emulators) {
        this.fixture = new IdempotencyFixture(emulators);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private BuildId queueBuild(String value) {
        runs.incrementAndGet();
        return new BuildId(value);
    }

    @Test
    void firstCallRunsTheWorkAndStoresACompletedRecord() {
        var idempotency = fixture.idempotency();

        var result = idempotency.run("delivery-1", BuildId.class, () -> queueBuild("build-1"));

        assertThat(result).isEqualTo(new BuildId("build-1"));
        assertThat(runs).hasValue(1);
        var item = fixture.item("delivery-1");
        assertThat(item.get("status").s()).isEqualTo("COMPLETED");
        assertThat(item.get("data").s()).isEqualTo("{\"value\":\"build-1\"}");
        assertThat(Long.parseLong(item.get("expiration").n()))
                .isEqualTo(fixture.clock.instant().plus(IdempotencyConfig.DEFAULT_EXPIRY).getEpochSecond());
        assertThat(item).doesNotContainKeys("owner", "in_progress_expiration");
    }

    @Test
    void duplicateAfterCompletionReturnsStoredResultWithoutRunning() {
        var first = fixture.idempotency();
        first.run("delivery-2", BuildId.class, () -> queueBuild("build-2"));
        // Another execution environment: nothing in memory, only the table.
        var second = fixture.idempotency();

        var result = second.run("delivery-2", BuildId.class, () -> queueBuild("never"));

        assertThat(result).isEqualTo(new BuildId("build-2"));
        assertThat(runs).hasValue(1);
    }

    @Test
    void voidWorkRunsOnceAndDuplicatesGetNull() {
        var idempotency = fixture.idempotency();

        Void first = idempotency.run("void", Void.class, () -> {
            runs.incrementAndGet();
            return null;
        });
        Void second = idempotency.run("void", Void.class, () -> {
            runs.incrementAndGet();
            return null;
        });

        assertThat(first).isNull();
        assertThat(second).isNull();
        assertThat(runs).hasValue(1);
        assertThat(fixture.item("void").get("data").s()).isEqualTo("null");
    }

    @Test
    void genericResultIsReadBackWithItsElementType() {
        var idempotency = fixture.idempotency();
        var type = new TypeReference<List<BuildId>>() {};
        idempotency.run(IdempotentCall.of("list"), type, () -> List.of(queueBuild("a"), queueBuild("b")));

        List<BuildId> stored = idempotency.run(IdempotentCall.of("list"), type, () -> List.of(queueBuild("never")));

        assertThat(stored).containsExactly(new BuildId("a"), new BuildId("b"));
        assertThat(runs).hasValue(2);
    }

    @Test
    void failingWorkDeletesItsRecordAndPropagatesTheSameException() {
        var idempotency = fixture.idempotency();
        var failure = new IOException("GitHub unavailable");

        assertThatThrownBy(() -> idempotency.run("delivery-3", BuildId.class, () -> {
            runs.incrementAndGet();
            throw failure;
        })).isSameAs(failure);

        assertThat(fixture.item("delivery-3")).isEmpty();
        var retried = idempotency.run("delivery-3", BuildId.class, () -> queueBuild("build-3"));
        assertThat(retried).isEqualTo(new BuildId("build-3"));
        assertThat(runs).hasValue(2);
    }

    @Test
    void failedDeleteIsAttachedToTheWorksExceptionNotThrownInstead() {
        var idempotency = fixture.idempotency();
        var failure = new IllegalStateException("work failed");
        fixture.dynamoDb.beforeDelete(request -> {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("connection reset");
        });

        assertThatThrownBy(() -> idempotency.run("delivery-4", BuildId.class, () -> {
            throw failure;
        })).isSameAs(failure);

        assertThat(failure.getSuppressed()).singleElement()
                .satisfies(suppressed -> assertThat(suppressed).hasMessageContaining("connection reset"));
    }

    @Test
    void samePayloadGetsTheStoredResult() {
        var idempotency = fixture.idempotency();
        var body = "{\"after\":\"abc123\"}".getBytes();
        idempotency.run(IdempotentCall.of("delivery-5").payload(body), BuildId.class, () -> queueBuild("build-5"));

        var result = idempotency.run(IdempotentCall.of("delivery-5").payload(body.clone()), BuildId.class,
                () -> queueBuild("never"));

        assertThat(result).isEqualTo(new BuildId("build-5"));
        assertThat(fixture.item("delivery-5").get("validation").s()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void differentPayloadAfterCompletionIsAMismatch() {
        var idempotency = fixture.idempotency();
        idempotency.run(IdempotentCall.of("delivery-6").payload(Map.of("after", "abc")), BuildId.class,
                () -> queueBuild("build-6"));

        assertThatThrownBy(() -> idempotency.run(IdempotentCall.of("delivery-6").payload(Map.of("after", "def")),
                BuildId.class, () -> queueBuild("never")))
                .isInstanceOf(IdempotencyPayloadMismatchException.class)
                .hasMessageContaining("delivery-6");
        assertThat(runs).hasValue(1);
    }

    @Test
    void differentPayloadWhileInProgressIsAMismatchAndSamePayloadIsInProgress() {
        var idempotency = fixture.idempotency();
        var first = IdempotentCall.of("delivery-7").payload(Map.of("after", "abc"));

        var result = idempotency.run(first, BuildId.class, () -> {
            assertThatThrownBy(() -> idempotency.run(IdempotentCall.of("delivery-7").payload(Map.of("after", "def")),
                    BuildId.class, () -> queueBuild("never")))
                    .isInstanceOf(IdempotencyPayloadMismatchException.class);
            assertThatThrownBy(() -> idempotency.run(first, BuildId.class, () -> queueBuild("never")))
                    .isInstanceOf(IdempotencyInProgressException.class);
            return queueBuild("build-7");
        });

        assertThat(result).isEqualTo(new BuildId("build-7"));
        assertThat(runs).hasValue(1);
    }

    @Test
    void withoutPayloadValidationADifferentPayloadGetsTheStoredResult() {
        var idempotency = fixture.idempotency(config -> config.withPayloadValidation(false));
        idempotency.run(IdempotentCall.of("delivery-8").payload("one".getBytes()), BuildId.class,
                () -> queueBuild("build-8"));

        var result = idempotency.run(IdempotentCall.of("delivery-8").payload("two".getBytes()), BuildId.class,
                () -> queueBuild("never"));

        assertThat(result).isEqualTo(new BuildId("build-8"));
        assertThat(fixture.item("delivery-8")).doesNotContainKey("validation");
    }

    @Test
    void keyPrefixSeparatesFunctionsSharingATable() {
        var spam = fixture.idempotency(config -> config.withKeyPrefix("SpamFunction"));
        var index = fixture.idempotency(config -> config.withKeyPrefix("IndexFunction"));

        spam.run("post-1:v1", BuildId.class, () -> queueBuild("spam"));
        var indexed = index.run("post-1:v1", BuildId.class, () -> queueBuild("index"));

        assertThat(indexed).isEqualTo(new BuildId("index"));
        assertThat(runs).hasValue(2);
        assertThat(fixture.item("SpamFunction#post-1:v1").get("data").s()).contains("spam");
        assertThat(fixture.item("IndexFunction#post-1:v1").get("data").s()).contains("index");
    }

    @Test
    void keyTooLongForDynamoDbIsRejectedBeforeAnyRequest() {
        var idempotency = fixture.idempotency();

        assertThatThrownBy(() -> idempotency.run("k".repeat(2049), BuildId.class, () -> queueBuild("never")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2048");
        assertThat(fixture.dynamoDb.totalCalls()).isZero();
        assertThat(runs).hasValue(0);
    }
}
