package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhysicalNamesTest {

    private static final String LONG_STACK = "a-very-long-stack-name-that-someone-chose-for-their-production-environment-x";
    private static final String LONG_ID = "TheOrdersProcessingDeadLetterQueueForRetriesOfTheOrdersPipeline";

    @Test
    void namesAreStackLogicalIdAndAStableSuffix() {
        assertThat(PhysicalNames.table("shop", "Orders")).matches("shop-Orders-[A-Z0-9]{8}")
                .isEqualTo(PhysicalNames.table("shop", "Orders"))
                .isNotEqualTo(PhysicalNames.table("shop", "Orders2"))
                .isNotEqualTo(PhysicalNames.table("shop2", "Orders"));
    }

    @Test
    void bucketNamesAreLowerCaseAndAtMost63Characters() {
        var name = PhysicalNames.bucket(LONG_STACK, LONG_ID);

        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9][a-z0-9-]*[a-z0-9]").startsWith("a-very-long");
    }

    @Test
    void fifoQueueNamesEndInFifoWithinEightyCharacters() {
        var name = PhysicalNames.queue(LONG_STACK, LONG_ID, true);

        assertThat(name).endsWith(".fifo").hasSizeLessThanOrEqualTo(80);
        assertThat(PhysicalNames.queue("shop", "Jobs", false)).doesNotEndWith(".fifo");
    }

    @Test
    void functionNamesFitLambdasLimitAndKeepBothParts() {
        var name = PhysicalNames.function(LONG_STACK, LONG_ID);

        assertThat(name).hasSize(64).startsWith("a-very-long").contains("-TheOrders");
        assertThat(PhysicalNames.function("s", LONG_ID)).startsWith("s-" + LONG_ID.substring(0, 40));
    }
}
