package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

@ExtendWith(EmulatorsExtension.class)
class IdempotencyTableTest {

    private final AwsClients aws;

    IdempotencyTableTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
    }

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void createdTableIsActiveOnDemandAndKeyedById() {
        var name = EmulatorsExtension.uniqueName("idempotency-table");

        IdempotencyTable.create(aws.dynamoDb(), name);

        var table = aws.dynamoDb().describeTable(describe -> describe.tableName(name)).table();
        assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(table.keySchema()).singleElement().satisfies(key -> {
            assertThat(key.attributeName()).isEqualTo("id");
            assertThat(key.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(table.attributeDefinitions()).singleElement()
                .satisfies(attribute -> assertThat(attribute.attributeType()).isEqualTo(ScalarAttributeType.S));
    }

    @Test
    void creatingAnExistingTableFails() {
        var name = EmulatorsExtension.uniqueName("idempotency-table");
        IdempotencyTable.create(aws.dynamoDb(), name);

        assertThatThrownBy(() -> IdempotencyTable.create(aws.dynamoDb(), name))
                .isInstanceOf(ResourceInUseException.class);
    }
}
