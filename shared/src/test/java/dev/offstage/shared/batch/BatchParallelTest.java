package dev.offstage.shared.batch;

import dev.offstage.testing.TestContext;
import static dev.offstage.shared.batch.TestEvents.eventOf;
import static dev.offstage.shared.batch.TestEvents.failedIds;
import static dev.offstage.shared.batch.TestEvents.fifoBatch;
import static dev.offstage.shared.batch.TestEvents.message;
import static dev.offstage.shared.batch.TestEvents.messageIds;
import static dev.offstage.shared.batch.TestEvents.standardBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchParallelTest {

    /**
     * A fuse, not a timing assumption: a handler waiting for others that the processor should have
     * started alongside it gives up after this long and fails the test instead of hanging it.
     */
    private static final long FUSE_SECONDS = 10;

    private final TestContext context = TestContext.forFunction("offstage-test");

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void parallelModeRunsAllRecordsAtOnceOnVirtualThreads() {
        var event = standardBatch();
        var allInside = new CountDownLatch(event.getRecords().size());
        var onVirtualThreads = new AtomicInteger();

        // Each handler waits until every handler is inside: only possible if all run at once.
        var response = Batch.process(event, context, BatchConfig.defaults().parallel(), message -> {
            allInside.countDown();
            if (Thread.currentThread().isVirtual()) {
                onVirtualThreads.incrementAndGet();
            }
            if (!allInside.await(FUSE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("records did not run at the same time");
            }
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(onVirtualThreads).hasValue(event.getRecords().size());
    }

    @Test
    void parallelismCapsHowManyRecordsRunAtOnce() {
        var event = eventOf(message("m1"), message("m2"), message("m3"), message("m4"), message("m5"), message("m6"));
        var inside = new AtomicInteger();
        var mostInside = new AtomicInteger();
        var threads = ConcurrentHashMap.<Thread>newKeySet();
        var pair = new CyclicBarrier(2);

        // Records meet in pairs, so two do run at once. That they ran on two threads only proves,
        // without any timing, that no third record ever ran beside them.
        var response = Batch.process(event, context, BatchConfig.defaults().withParallelism(2), message -> {
            threads.add(Thread.currentThread());
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            pair.await(FUSE_SECONDS, TimeUnit.SECONDS);
            inside.decrementAndGet();
        });

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(threads).hasSize(2);
        assertThat(mostInside).hasValue(2);
    }

    @Test
    void parallelModeAnswersExactlyAsSequentialMode() {
        for (Supplier<SQSEvent> sample : List.<Supplier<SQSEvent>>of(TestEvents::standardBatch, TestEvents::fifoBatch)) {
            var ids = messageIds(sample.get());
            var failing = new String[] {ids.get(0), ids.get(2)};

            var sequential = Batch.process(sample.get(), context, ScriptedHandler.failing(failing));
            var parallel = Batch.process(sample.get(), context, BatchConfig.defaults().parallel(),
                    ScriptedHandler.failing(failing));

            assertThat(failedIds(parallel)).isNotEmpty().isEqualTo(failedIds(sequential));
        }
    }

    @Test
    void parallelFifoRunsMessageGroupsAtOnceButEachGroupInOrder() {
        var event = fifoBatch();   // main, feature-search, main, feature-search, main
        var groupsInside = new CountDownLatch(2);
        var insideGroup = new ConcurrentHashMap<String, AtomicInteger>();
        var seenByGroup = new ConcurrentHashMap<String, List<String>>();

        var response = Batch.process(event, context, BatchConfig.defaults().parallel(), message -> {
            var group = message.getAttributes().get("MessageGroupId");
            if (insideGroup.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet() > 1) {
                throw new IllegalStateException("two messages of group " + group + " ran at once");
            }
            var seen = seenByGroup.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>());
            seen.add(message.getMessageId());
            // The first message of each group waits for the other group's first message.
            if (seen.size() == 1) {
                groupsInside.countDown();
                if (!groupsInside.await(FUSE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("message groups did not run at the same time");
                }
            }
            insideGroup.get(group).decrementAndGet();
        });

        var ids = messageIds(event);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(seenByGroup).isEqualTo(Map.of(
                "octo-org/hello-world:refs/heads/main", List.of(ids.get(0), ids.get(2), ids.get(4)),
                "octo-org/hello-world:refs/heads/feature-search", List.of(ids.get(1), ids.get(3))));
    }

    @Test
    void parallelFifoStopsAGroupAtItsFirstFailure() {
        var event = fifoBatch();
        var ids = messageIds(event);
        var handler = ScriptedHandler.failing(ids.get(0));

        var response = Batch.process(event, context, BatchConfig.defaults().parallel(), handler);

        assertThat(failedIds(response)).containsExactly(ids.get(0), ids.get(2), ids.get(4));
        assertThat(handler.handled()).containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(3));
    }

    @Test
    void recordThreadsSeeTheCallersMdcAndTheirOwnMessageKeys() {
        MDC.put("aws_request_id", "7f1e3b52-2c4d-4e8a-9b61-0d5c8a3e2f10");
        var event = standardBatch();
        var seen = new ConcurrentHashMap<String, Map<String, String>>();

        Batch.process(event, context, BatchConfig.defaults().parallel(),
                message -> seen.put(message.getMessageId(), MDC.getCopyOfContextMap()));

        var ids = messageIds(event);
        assertThat(seen.get(ids.get(0))).isEqualTo(Map.of(
                "aws_request_id", "7f1e3b52-2c4d-4e8a-9b61-0d5c8a3e2f10",
                "sqs_message_id", ids.get(0),
                "correlation_id", "post-p-1001"));
        assertThat(seen.get(ids.get(1))).isEqualTo(Map.of(
                "aws_request_id", "7f1e3b52-2c4d-4e8a-9b61-0d5c8a3e2f10",
                "sqs_message_id", ids.get(1)));
        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("aws_request_id", "7f1e3b52-2c4d-4e8a-9b61-0d5c8a3e2f10"));
    }

    @Test
    void errorOnARecordThreadFailsTheWholeInvocation() {
        var event = eventOf(message("first"), message("out-of-memory"), message("third"));
        var handler = new ScriptedHandler().fail("out-of-memory", () -> new OutOfMemoryError("Java heap space"));

        assertThatThrownBy(() -> Batch.process(event, context, BatchConfig.defaults().parallel(), handler))
                .isInstanceOf(OutOfMemoryError.class);
    }
}
