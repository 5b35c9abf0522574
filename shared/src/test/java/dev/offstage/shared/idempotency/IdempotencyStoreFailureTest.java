package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** DynamoDB failing or refusing: never swallowed, never running work it could not record. */
@ExtendWith(EmulatorsExtension.class)
class IdempotencyStoreFailureTest {

    private final Emulators emulators;
    private final IdempotencyFixture fixture;
    private final AtomicInteger runs = new AtomicInteger();

    IdempotencyStoreFailureTest(Emulators emulators) {
        this.emulators = emulators;
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
    void unreachableDynamoDbFailsTheCallWithoutRunningTheWork() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var environment = new HashMap<>(emulators.environment());
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + closedPort);
        try (var unreachable = AwsClients.from(Environment.of(environment))) {
            var idempotency = new Idempotency(unreachable.dynamoDb(), fixture.config(), Clock.systemUTC());

            assertThatThrownBy(() -> idempotency.run("delivery", String.class, () -> work("never")))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasCauseInstanceOf(SdkClientException.class)
                    .hasMessageContaining("delivery");
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void missingTableFailsTheCallWithoutRunningTheWork() {
        var idempotency = new Idempotency(fixture.dynamoDb, IdempotencyConfig.of("no-such-table"), fixture.clock);

        assertThatThrownBy(() -> idempotency.run("delivery", String.class, () -> work("never")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThat(runs).hasValue(0);
    }

    @Test
    void failureToStoreTheResultPropagatesAndTheKeyStaysHeldUntilTheDeadline() {
        var idempotency = fixture.idempotency();
        fixture.dynamoDb.beforePut(request -> {
            if (request.item().get("status").s().equals("COMPLETED")) {
                throw SdkClientException.create("connection reset");
            }
        });

        assertThatThrownBy(() -> idempotency.run("delivery", String.class, () -> work("built")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("ran, but its result could not be stored");
        fixture.dynamoDb.beforePut(request -> {});

        assertThat(runs).hasValue(1);
        assertThat(fixture.item("delivery").get("status").s()).isEqualTo("INPROGRESS");
        assertThatThrownBy(() -> idempotency.run("delivery", String.class, () -> work("too early")))
                .isInstanceOf(IdempotencyInProgressException.class);
        fixture.clock.advance(IdempotencyConfig.DEFAULT_IN_PROGRESS_TIMEOUT.plus(Duration.ofSeconds(1)));
        assertThat(idempotency.run("delivery", String.class, () -> work("rebuilt"))).isEqualTo("rebuilt");
    }

    @Test
    void resultTooLargeForADynamoDbItemFailsClearlyAndFreesTheKey() {
        var idempotency = fixture.idempotency();
        var huge = "x".repeat(IdempotencyRecord.MAX_ITEM_BYTES);

        assertThatThrownBy(() -> idempotency.run("render", String.class, () -> work(huge)))
                .isInstanceOfSatisfying(IdempotencyResultTooLargeException.class,
                        e -> assertThat(e.itemBytes()).isGreaterThan(IdempotencyRecord.MAX_ITEM_BYTES))
                .hasMessageContaining("400 KB")
                .hasMessageContaining("render");

        assertThat(fixture.item("render")).isEmpty();
        assertThat(fixture.dynamoDb.calls("PutItem")).as("the oversized item is never sent").isEqualTo(1);
        assertThatThrownBy(() -> idempotency.run("render", String.class, () -> work(huge)))
                .isInstanceOf(IdempotencyResultTooLargeException.class);
        assertThat(runs).hasValue(2);
    }

    @Test
    void resultJustUnderTheItemLimitIsStored() {
        var idempotency = fixture.idempotency();
        // id, status, expiration and data with their names, the JSON quotes and the number at its maximum.
        var overhead = "id".length() + "fits".length() + "status".length() + "COMPLETED".length()
                + "expiration".length() + 21 + "data".length() + 2;
        var large = "y".repeat(IdempotencyRecord.MAX_ITEM_BYTES - overhead);

        idempotency.run("fits", String.class, () -> work(large));

        assertThat(idempotency.run("fits", String.class, () -> work("never"))).isEqualTo(large);
        assertThat(runs).hasValue(1);
    }

    @Test
    void itemSizeRejectedByDynamoDbIsReportedAsTooLargeAndFreesTheKey() {
        var idempotency = fixture.idempotency();
        // Should DynamoDB count differently from the estimate, its own refusal means the same.
        fixture.dynamoDb.beforePut(request -> {
            if (request.item().get("status").s().equals("COMPLETED")) {
                throw DynamoDbException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ValidationException")
                        .errorMessage("Item size has exceeded the maximum allowed size").build()).build();
            }
        });

        assertThatThrownBy(() -> idempotency.run("render", String.class, () -> work("small enough?")))
                .isInstanceOf(IdempotencyResultTooLargeException.class)
                .hasMessageContaining("400 KB");
        assertThat(fixture.item("render")).isEmpty();
    }

    @Test
    void resultThatCannotBeWrittenAsJsonFreesTheKey() {
        var idempotency = fixture.idempotency();

        assertThatThrownBy(() -> idempotency.run("unserialisable", Object.class, () -> {
            runs.incrementAndGet();
            return new Object();
        })).isInstanceOf(IllegalArgumentException.class);

        assertThat(fixture.item("unserialisable")).isEmpty();
    }
}
