package dev.offstage.local.triggers;

import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Lambda's SQS event source mappings: for each enabled {@code Type: SQS} event of each function,
 * long-polls the queue, gathers batches and invokes the function with an {@code SQSEvent}.
 *
 * <ul>
 *   <li>Batches: up to {@code BatchSize} messages. SQS returns at most 10 per receive, so with a
 *       {@code MaximumBatchingWindowInSeconds} the mapping keeps receiving until the batch is full
 *       or the window (counted from the first message) has passed; without a window, one receive
 *       makes a batch. A batch also stays under Lambda's 6 MB invocation payload. As Lambda does,
 *       starting refuses a queue whose visibility timeout is shorter than the function's timeout.</li>
 *   <li>Outcome: on success every message is deleted — or, with {@code ReportBatchItemFailures},
 *       every message but those in {@code batchItemFailures} (a malformed partial response fails
 *       the whole batch). A function error, timeout or init error deletes nothing; a throttled
 *       invocation deletes nothing either. Messages not deleted come back after the queue's
 *       visibility timeout, and the queue's redrive policy moves them to its dead-letter queue
 *       after {@code maxReceiveCount} receives.</li>
 *   <li>Concurrency: at most {@code ScalingConfig.MaximumConcurrency} batches of a mapping are
 *       in flight at once (else {@link Options#defaultConcurrency()}), and never more than the
 *       function's reserved concurrency. In a FIFO queue SQS itself hands out no message of a
 *       group while another of that group is in flight, so each group is processed in order; a
 *       message after a failed one of its group is not deleted either.</li>
 * </ul>
 *
 * <p>{@link #oldestUnfinished()} tells the age of the queues it polls, which SQS does not report.
 * {@link #close()} stops polling and waits for the batches in flight to finish.
 */
public final class SqsPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);

    /** SQS returns at most this many messages per receive. */
    private static final int MAX_PER_RECEIVE = 10;
    /** Lambda's synchronous invocation payload limit, and SQS's largest message: a batch stays under the first. */
    private static final long MAX_PAYLOAD_BYTES = 6L * 1024 * 1024;
    private static final long MAX_MESSAGE_BYTES = 256L * 1024;
    /** How long after its visibility timeout an unfinished message is still counted as on its queue. */
    private static final Duration FORGET_SLACK = Duration.ofSeconds(2);

    /**
     * @param longPollWait how long one receive waits for a first message (SQS allows up to 20 s)
     * @param defaultConcurrency concurrent batches per mapping without {@code MaximumConcurrency}
     *     (Lambda starts with five pollers)
     * @param stopTimeout how long {@link #close()} waits for the batches in flight
     * @param functionConcurrency the environments a function without reserved concurrency gets
     *     ({@code LambdaSettings.defaultConcurrency()}): a mapping never runs more batches at once
     *     than its function can take, as Lambda scales its pollers down to the concurrency there
     *     is — a batch beyond it would be throttled and wait out the visibility timeout
     */
    public record Options(Duration longPollWait, int defaultConcurrency, Duration stopTimeout, int functionConcurrency) {

        public Options {
            Objects.requireNonNull(longPollWait, "longPollWait");
            Objects.requireNonNull(stopTimeout, "stopTimeout");
            if (longPollWait.isNegative() || longPollWait.compareTo(Duration.ofSeconds(20)) > 0) {
                throw new IllegalArgumentException("longPollWait must be between 0 and 20 s");
            }
            if (defaultConcurrency < 1 || functionConcurrency < 1) {
                throw new IllegalArgumentException("defaultConcurrency and functionConcurrency must be at least 1");
            }
        }

        /** 20 s long polls, five concurrent batches per mapping, 30 s to stop; functions as many environments as batches. */
        public static Options lambdaDefaults() {
            return lambdaDefaults(Integer.MAX_VALUE);
        }

        /** {@link #lambdaDefaults()} for functions that get {@code functionConcurrency} environments each. */
        public static Options lambdaDefaults(int functionConcurrency) {
            return new Options(Duration.ofSeconds(20), 5, Duration.ofSeconds(30), functionConcurrency);
        }
    }

    private final List<Mapping> mappings;
    private final ExecutorService threads;
    private final Options options;

    private SqsPoller(List<Mapping> mappings, ExecutorService threads, Options options) {
        this.mappings = mappings;
        this.threads = threads;
        this.options = options;
    }

    /** Starts every enabled SQS event source mapping of the application with Lambda's defaults. */
    public static SqsPoller start(Application application, Invoker invoker, SqsClient sqs) {
        return start(application, invoker, sqs, Options.lambdaDefaults());
    }

    /**
     * Starts every enabled SQS event source mapping of the application.
     *
     * @throws IllegalArgumentException when a mapping names a queue the application does not declare, or
     *     a queue's visibility timeout is shorter than its function's timeout (Lambda rejects that mapping)
     * @throws software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException when a queue has not been created
     */
    public static SqsPoller start(Application application, Invoker invoker, SqsClient sqs, Options options) {
        return start(application, invoker, sqs, options, Chaos.NONE);
    }

    /**
     * As {@link #start(Application, Invoker, SqsClient, Options)}, with {@code chaos} on deliveries:
     * messages held back on their first receive (visible again after 1–5 s), batches shuffled, messages
     * delivered a second time in an invocation of their own whose outcome deletes nothing (concurrent
     * when the mapping has a free slot, else right after the batch; one the function throttles is
     * delivered again once the batch is done), and, with {@code redeliver}, the messages a batch did
     * not delete made visible again after that delay rather than the visibility timeout.
     */
    public static SqsPoller start(Application application, Invoker invoker, SqsClient sqs, Options options, Chaos chaos) {
        var threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sqs-mapping-", 0).factory());
        var mappings = new ArrayList<Mapping>();
        var region = sqs.serviceClientConfiguration().region().id();
        for (var function : application.functions().values()) {
            for (var event : function.events()) {
                if (!(event instanceof EventSource.Sqs source)) {
                    continue;
                }
                if (!source.enabled()) {
                    LOG.info("SQS event source {} of {} is disabled: not polling", source.name(), function.logicalId());
                    continue;
                }
                var queue = application.queues().get(source.queueLogicalId());
                if (queue == null) {
                    threads.shutdownNow();
                    throw new IllegalArgumentException("Function " + function.logicalId() + ": SQS event "
                            + source.name() + " names queue " + source.queueLogicalId() + ", which the template does not declare");
                }
                var url = sqs.getQueueUrl(request -> request.queueName(queue.name())).queueUrl();
                var attributes = sqs.getQueueAttributes(request -> request.queueUrl(url)
                        .attributeNames(QueueAttributeName.QUEUE_ARN, QueueAttributeName.VISIBILITY_TIMEOUT)).attributes();
                var arn = attributes.get(QueueAttributeName.QUEUE_ARN);
                var visibilityTimeout = Duration.ofSeconds(Long.parseLong(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)));
                if (visibilityTimeout.compareTo(function.timeout()) < 0) {
                    threads.shutdownNow();
                    // Lambda refuses such a mapping: a batch could reappear on the queue while the function still runs.
                    throw new IllegalArgumentException("Function " + function.logicalId() + ": SQS event " + source.name()
                            + ": queue " + queue.name() + " has a visibility timeout of " + visibilityTimeout.toSeconds()
                            + " s, less than the function's timeout of " + function.timeout().toSeconds()
                            + " s; Lambda rejects this event source mapping");
                }
                mappings.add(new Mapping(function, source, queue, url, arn, region, invoker, sqs, options, threads,
                        visibilityTimeout, chaos));
            }
        }
        for (var mapping : mappings) {
            threads.submit(mapping::poll);
            LOG.atInfo().addKeyValue("function", mapping.function.logicalId()).addKeyValue("queue", mapping.queue.name())
                    .addKeyValue("batchSize", mapping.source.batchSize()).addKeyValue("concurrency", mapping.concurrency)
                    .log("Polling {} for {}", mapping.queue.name(), mapping.function.logicalId());
        }
        return new SqsPoller(List.copyOf(mappings), threads, options);
    }

    /**
     * When the oldest message was sent, per queue logical id, among the messages the mappings
     * received and have not deleted (SQS's {@code SentTimestamp}): being processed, or failed and
     * waiting for their visibility timeout. A message not received again within two seconds after
     * its visibility timeout (and batching window) is taken to be gone (moved to a dead-letter
     * queue, or taken by another consumer). Queues with no such message are absent: their age is unknown here, not zero, as
     * messages may wait unreceived. Thread-safe.
     */
    public Map<String, Instant> oldestUnfinished() {
        var now = System.nanoTime();
        var oldest = new TreeMap<String, Instant>();
        for (var mapping : mappings) {
            mapping.oldestUnfinished(now).ifPresent(sent ->
                    oldest.merge(mapping.queue.logicalId(), sent, (a, b) -> a.isBefore(b) ? a : b));
        }
        return oldest;
    }

    /** Stops polling; batches in flight finish (up to {@link Options#stopTimeout()}). Idempotent. */
    @Override
    public void close() {
        mappings.forEach(Mapping::stop);
        threads.shutdown();
        var timeout = options.stopTimeout();
        try {
            if (!threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("SQS batches still in flight after {} ms; their messages return after the visibility timeout",
                        timeout.toMillis());
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** One event source mapping: a poller gathering batches, and up to {@code concurrency} batches in flight. */
    private static final class Mapping {
        private final FunctionSpec function;
        private final EventSource.Sqs source;
        private final QueueSpec queue;
        private final String queueUrl;
        private final String queueArn;
        private final String region;
        private final Invoker invoker;
        private final SqsClient sqs;
        private final Options options;
        private final ExecutorService threads;
        private final int concurrency;
        private final Semaphore inFlight;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final Duration visibilityTimeout;
        private final Chaos chaos;
        /** Received and not deleted, by message id. */
        private final Map<String, Unfinished> unfinished = new ConcurrentHashMap<>();
        private volatile Thread poller;

        /** @param forgetAt {@link System#nanoTime()} after which the message is taken to be gone */
        private record Unfinished(Instant sentAt, long forgetAt) {}

        Mapping(FunctionSpec function, EventSource.Sqs source, QueueSpec queue, String queueUrl, String queueArn,
                String region, Invoker invoker, SqsClient sqs, Options options, ExecutorService threads,
                Duration visibilityTimeout, Chaos chaos) {
            this.visibilityTimeout = visibilityTimeout;
            this.chaos = chaos;
            this.function = function;
            this.source = source;
            this.queue = queue;
            this.queueUrl = queueUrl;
            this.queueArn = queueArn;
            this.region = region;
            this.invoker = invoker;
            this.sqs = sqs;
            this.options = options;
            this.threads = threads;
            var concurrency = source.maximumConcurrency().orElse(options.defaultConcurrency());
            var available = function.reservedConcurrency().isPresent()
                    ? function.reservedConcurrency().getAsInt() : options.functionConcurrency();
            concurrency = Math.min(concurrency, Math.max(1, available));
            this.concurrency = concurrency;
            this.inFlight = new Semaphore(concurrency);
        }

        void poll() {
            poller = Thread.currentThread();
            while (!stopping()) {
                try {
                    // A permit first: a batch is only received when it can be invoked, so its
                    // messages' visibility timeout is not spent waiting here.
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                List<Message> batch;
                try {
                    batch = gather();
                } catch (RuntimeException e) {
                    inFlight.release();
                    if (stopping()) {
                        return;
                    }
                    LOG.error("Receiving from {} for {} failed; retrying in 1 s", queue.name(), function.logicalId(), e);
                    pause(Duration.ofSeconds(1));
                    continue;
                }
                if (batch.isEmpty()) {
                    inFlight.release();
                    continue;
                }
                try {
                    threads.submit(() -> {
                        try {
                            process(batch);
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    inFlight.release();
                    return;
                }
            }
        }

        private List<Message> gather() {
            // By message id: a window longer than the visibility timeout can receive a message again,
            // and only its newest receipt handle deletes it.
            var batch = new LinkedHashMap<String, Message>();
            receive(Math.min(MAX_PER_RECEIVE, source.batchSize()), options.longPollWait())
                    .forEach(message -> batch.put(message.messageId(), message));
            if (batch.isEmpty() || source.maximumBatchingWindow().isZero()) {
                return List.copyOf(batch.values());
            }
            var deadline = System.nanoTime() + source.maximumBatchingWindow().toNanos();
            long bytes = batchBytes(batch.values());
            while (batch.size() < source.batchSize() && !stopping()) {
                var remaining = deadline - System.nanoTime();
                var fits = (int) ((MAX_PAYLOAD_BYTES - bytes) / MAX_MESSAGE_BYTES);
                var wanted = Math.min(Math.min(MAX_PER_RECEIVE, source.batchSize() - batch.size()), fits);
                if (remaining <= 0 || wanted <= 0) {
                    break;
                }
                // SQS waits in whole seconds: round the rest of the window up rather than poll in a busy loop.
                var wait = Duration.ofSeconds(Math.min(20, (remaining + 999_999_999L) / 1_000_000_000L));
                for (var message : receive(wanted, wait)) {
                    if (batch.put(message.messageId(), message) == null) {
                        bytes += batchBytes(List.of(message));
                    }
                }
            }
            return List.copyOf(batch.values());
        }

        private List<Message> receive(int count, Duration wait) {
            var messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(count)
                    .waitTimeSeconds((int) wait.toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            // Gone unless received again soon after its visibility timeout: a long poll in progress
            // returns as soon as a message is visible. A message moved to the dead-letter queue goes
            // on that receive. (A saturated mapping receives late: its queue's age is unknown meanwhile.)
            var forgetAt = System.nanoTime() + visibilityTimeout.plus(source.maximumBatchingWindow())
                    .plus(FORGET_SLACK).toNanos();
            // Pruned here too, so that a runtime nobody asks about keeps no more than its recent failures.
            unfinished.values().removeIf(message -> System.nanoTime() - message.forgetAt() > 0);
            for (var message : messages) {
                unfinished.put(message.messageId(), new Unfinished(sentAt(message), forgetAt));
            }
            return messages;
        }

        Optional<Instant> oldestUnfinished(long now) {
            unfinished.values().removeIf(message -> now - message.forgetAt() > 0);
            return unfinished.values().stream().map(Unfinished::sentAt).min(Instant::compareTo);
        }

        private static Instant sentAt(Message message) {
            var sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
            try {
                return sent == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(sent));
            } catch (NumberFormatException e) {
                return Instant.now();
            }
        }

        private void process(List<Message> received) {
            var batch = withChaos(received);
            if (batch.isEmpty()) {
                return;
            }
            var duplicates = batch.stream().filter(message -> chaos.duplicate(function.logicalId())).toList();
            // Concurrently only with a slot of the mapping's own: a duplicate must not take the environment
            // the batches need (they would be throttled by the chaos, not by the load); else right after.
            Future<Invocation> duplicate = null;
            if (!duplicates.isEmpty() && inFlight.tryAcquire()) {
                try {
                    duplicate = threads.submit(() -> {
                        try {
                            return invoke(duplicates, " duplicate");
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    inFlight.release();
                }
            }
            var invocation = invoke(batch, "");
            if (invocation != null) {
                switch (invocation.outcome()) {
                    case SUCCESS -> {
                        var deletable = succeeded(batch, invocation.payload());
                        delete(batch, deletable);
                        redeliverSoon(batch.stream().filter(message -> !deletable.contains(message)).toList());
                    }
                    case THROTTLED -> {
                        LOG.warn("{} throttled: {} messages of {} return after the visibility timeout",
                                function.logicalId(), batch.size(), queue.name());
                        redeliverSoon(batch);
                    }
                    case FUNCTION_ERROR, TIMEOUT, INIT_ERROR -> {
                        // Names the messages: the function could not (it died, or timed out), and a message
                        // that ends in the dead-letter queue this way has no other line giving its reason.
                        LOG.atWarn().addKeyValue("function", function.logicalId()).addKeyValue("queue", queue.name())
                                .addKeyValue("requestId", invocation.requestId())
                                .addKeyValue("outcome", invocation.outcome())
                                .addKeyValue("messages", receipts(batch))
                                .log("{} failed ({}): {} messages of {} return after the visibility timeout",
                                        function.logicalId(), invocation.outcome(), batch.size(), queue.name());
                        redeliverSoon(batch);
                    }
                }
            } else {
                redeliverSoon(batch);
            }
            if (!duplicates.isEmpty()) {
                deliveredTwice(duplicates, duplicate);
            }
        }

        /** {@code id (receive n)} of each message, for a log line. */
        private static String receipts(List<Message> batch) {
            return batch.stream().map(message -> message.messageId() + " (receive "
                    + message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "?") + ")")
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        /** Invokes the function with {@code batch}; null when the invocation itself could not be made (logged). */
        private Invocation invoke(List<Message> batch, String kind) {
            var trigger = "sqs:" + queue.name();
            var event = Json.write(SqsEventJson.build(batch, queueArn, region)).getBytes(StandardCharsets.UTF_8);
            try {
                return invoker.invoke(function.logicalId(), event, trigger + " (" + batch.size() + kind + " messages)");
            } catch (RuntimeException e) {
                LOG.error("Invoking {} with a batch of {} from {} failed; the messages return after the visibility timeout",
                        function.logicalId(), batch.size(), queue.name(), e);
                return null;
            }
        }

        /** The batch after the chaos's hold-backs and shuffle (as received without chaos). */
        private List<Message> withChaos(List<Message> received) {
            var batch = new ArrayList<Message>();
            for (var message : received) {
                // Only on a first receive: a hold-back spends a receive, and must not dead-letter a message alone.
                var firstReceive = "1".equals(message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
                if (firstReceive && chaos.holdBack(function.logicalId()) && changeVisibility(List.of(message),
                        chaos.between(Duration.ofSeconds(1), Duration.ofSeconds(5)))) {
                    chaos.record(ChaosKind.HOLD_BACK, function.logicalId(), "held back message " + message.messageId()
                            + " of " + queue.name());
                } else {
                    batch.add(message);
                }
            }
            if (batch.size() > 1 && chaos.reorder(function.logicalId())) {
                chaos.record(ChaosKind.REORDER, function.logicalId(), "shuffled a batch of " + batch.size() + " from " + queue.name());
                return chaos.shuffled(batch);
            }
            return batch;
        }

        /**
         * Waits for the concurrent duplicate delivery, or makes it now when there was none; one the function
         * throttled is delivered again now, in this batch's slot.
         */
        private void deliveredTwice(List<Message> duplicates, Future<Invocation> duplicate) {
            Invocation outcome;
            try {
                outcome = duplicate == null ? invoke(duplicates, " duplicate") : duplicate.get();
                if (outcome != null && outcome.outcome() == Invocation.Outcome.THROTTLED) {
                    outcome = invoke(duplicates, " duplicate");
                }
            } catch (ExecutionException e) {
                outcome = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (outcome != null && outcome.outcome() != Invocation.Outcome.THROTTLED) {
                for (var message : duplicates) {
                    chaos.record(ChaosKind.DUPLICATE, function.logicalId(), "delivered message " + message.messageId()
                            + " of " + queue.name() + " twice (duplicate " + outcome.outcome() + ")");
                }
            }
        }

        /** With the chaos's {@code redeliver}: the messages not deleted come back after it, not the visibility timeout. */
        private void redeliverSoon(List<Message> messages) {
            var delay = chaos.plan().flatMap(plan -> plan.redeliverAfter()).filter(ignored -> chaos.covers(function.logicalId()));
            if (delay.isPresent() && !messages.isEmpty()) {
                changeVisibility(messages, delay.get());
            }
        }

        /** Makes the messages visible again after {@code delay} (whole seconds, rounded up); false if SQS refused. */
        private boolean changeVisibility(List<Message> messages, Duration delay) {
            var seconds = (int) Math.min(43_200, (delay.toMillis() + 999) / 1000);
            var ok = true;
            for (int start = 0; start < messages.size(); start += MAX_PER_RECEIVE) {
                var chunk = messages.subList(start, Math.min(messages.size(), start + MAX_PER_RECEIVE));
                var entries = new ArrayList<ChangeMessageVisibilityBatchRequestEntry>();
                for (int i = 0; i < chunk.size(); i++) {
                    entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds).build());
                }
                try {
                    var response = sqs.changeMessageVisibilityBatch(request -> request.queueUrl(queueUrl).entries(entries));
                    ok &= response.failed().isEmpty();
                } catch (RuntimeException e) {
                    LOG.warn("Could not change the visibility of {} messages of {}: {}", chunk.size(), queue.name(), e.toString());
                    ok = false;
                }
            }
            return ok;
        }

        /** The messages of a successful invocation that may be deleted. */
        private List<Message> succeeded(List<Message> batch, byte[] payload) {
            if (!source.reportBatchItemFailures()) {
                return batch;
            }
            var ids = new HashSet<String>();
            batch.forEach(message -> ids.add(message.messageId()));
            var failures = BatchItemFailures.parse(payload, ids);
            if (failures.isEmpty()) {
                LOG.warn("{} returned a malformed partial batch response; Lambda fails the whole batch of {}: {}",
                        function.logicalId(), batch.size(), new String(payload, StandardCharsets.UTF_8));
                return List.of();
            }
            var failed = failures.get();
            var failedGroups = new LinkedHashSet<String>();
            var deletable = new ArrayList<Message>();
            for (var message : batch) {
                var group = queue.fifo() ? message.attributesAsStrings().get("MessageGroupId") : null;
                if (failed.contains(message.messageId())) {
                    if (group != null) {
                        failedGroups.add(group);
                    }
                    continue;
                }
                // As Lambda does: every message the response does not name is deleted. On a FIFO
                // queue that reorders a group whose later message succeeded after an earlier one
                // failed; AWS leaves it to the function to report the rest of the group (the
                // toolkit's Batch does), so say so loudly here rather than hide it.
                if (group != null && failedGroups.contains(group)) {
                    LOG.warn("{} reported message {} of FIFO group {} as processed after an earlier message of the"
                            + " group failed; Lambda deletes it, so the group's order is lost. Report every message"
                            + " after a failure in batchItemFailures.", function.logicalId(), message.messageId(), group);
                }
                deletable.add(message);
            }
            return deletable;
        }

        private void delete(List<Message> batch, List<Message> messages) {
            for (int start = 0; start < messages.size(); start += MAX_PER_RECEIVE) {
                var chunk = messages.subList(start, Math.min(messages.size(), start + MAX_PER_RECEIVE));
                var entries = new ArrayList<DeleteMessageBatchRequestEntry>();
                for (int i = 0; i < chunk.size(); i++) {
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(chunk.get(i).receiptHandle()).build());
                }
                try {
                    var response = sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
                    response.successful().forEach(deleted ->
                            unfinished.remove(chunk.get(Integer.parseInt(deleted.id())).messageId()));
                    response.failed().forEach(failure -> LOG.warn("Could not delete a message of {} after {}: {} {}",
                            queue.name(), function.logicalId(), failure.code(), failure.message()));
                } catch (RuntimeException e) {
                    LOG.error("Deleting {} processed messages from {} failed; they will be delivered again",
                            chunk.size(), queue.name(), e);
                }
            }
            if (messages.size() < batch.size()) {
                LOG.debug("{}: {} of {} messages left on {} for a retry", function.logicalId(),
                        batch.size() - messages.size(), batch.size(), queue.name());
            }
        }

        private static long batchBytes(Collection<Message> messages) {
            return messages.stream().mapToLong(message -> message.body().getBytes(StandardCharsets.UTF_8).length).sum();
        }

        private boolean stopping() {
            return stopped.getCount() == 0;
        }

        private void pause(Duration duration) {
            try {
                stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            stopped.countDown();
            // Ends a long poll in progress: interrupting a virtual thread closes the socket it waits on.
            var thread = poller;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
