package dev.offstage.shared.batch;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Batch} processes an event. Immutable; read it once at init and pass it to every
 * {@link Batch#process(com.amazonaws.services.lambda.runtime.events.SQSEvent,
 * com.amazonaws.services.lambda.runtime.Context, BatchConfig, RecordHandler) process} call.
 *
 * <pre>{@code
 * private static final BatchConfig BATCH = BatchConfig.from(Environment.system());
 * private static final BatchConfig FAST = BatchConfig.defaults()
 *         .withParallelism(8)
 *         .withDeadlineReserve(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param parallelism how many records run at once, each on its own virtual thread; on a FIFO
 *     queue, how many message groups (each group still runs one message after the other).
 *     {@code 1}, the default, runs every record on the calling thread in event order. Above 1 the
 *     {@link RecordHandler} is called from several threads at once and must be thread-safe.
 * @param poisonReceiveCount the {@code ApproximateReceiveCount} from which a failing message is
 *     logged as poison (default 5). Set it to the queue's redrive {@code maxReceiveCount}, so the
 *     warning comes with the last attempt before the message moves to the dead-letter queue.
 * @param deadlineReserve how much of the invocation's time to keep in reserve: a record does not
 *     start once less than this is left, and is reported for retry instead, so that the function
 *     answers before Lambda's timeout (a timeout fails the whole batch, successes included). Make
 *     it longer than one record takes. {@link Duration#ZERO}, the default, turns this off.
 */
public record BatchConfig(int parallelism, int poisonReceiveCount, Duration deadlineReserve) {

    /** {@link #parallelism()} without a cap: every record (or message group) at once. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /**
     * @throws IllegalArgumentException when {@code parallelism} or {@code poisonReceiveCount} is
     *     below 1, or {@code deadlineReserve} is negative
     */
    public BatchConfig {
        Objects.requireNonNull(deadlineReserve, "deadlineReserve");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (poisonReceiveCount < 1) {
            throw new IllegalArgumentException("poisonReceiveCount must be at least 1, was " + poisonReceiveCount);
        }
        if (deadlineReserve.isNegative()) {
            throw new IllegalArgumentException("deadlineReserve must not be negative, was " + deadlineReserve);
        }
    }

    /** One record after the other, on the calling thread; poison from the fifth receive; no deadline reserve. */
    public static BatchConfig defaults() {
        return new BatchConfig(1, 5, Duration.ZERO);
    }

    /**
     * The configuration the function's environment asks for, with {@link #defaults()} for what it
     * leaves unset:
     * <ul>
     *   <li>{@code OFFSTAGE_BATCH_PARALLELISM}: {@link #parallelism()}, a whole number of at least 1;</li>
     *   <li>{@code OFFSTAGE_BATCH_POISON_RECEIVE_COUNT}: {@link #poisonReceiveCount()}, a whole number of at least 1;</li>
     *   <li>{@code OFFSTAGE_BATCH_DEADLINE_RESERVE_SECONDS}: {@link #deadlineReserve()}, whole seconds, 0 or more.</li>
     * </ul>
     *
     * @throws ConfigurationException naming the variable when a value is malformed or out of range
     */
    public static BatchConfig from(Environment environment) {
        var defaults = defaults();
        return new BatchConfig(
                atLeastOne(environment, "OFFSTAGE_BATCH_PARALLELISM", defaults.parallelism()),
                atLeastOne(environment, "OFFSTAGE_BATCH_POISON_RECEIVE_COUNT", defaults.poisonReceiveCount()),
                notNegative(environment, "OFFSTAGE_BATCH_DEADLINE_RESERVE_SECONDS", defaults.deadlineReserve()));
    }

    /** This configuration, with every record (or message group) running at once on virtual threads. */
    public BatchConfig parallel() {
        return withParallelism(UNLIMITED);
    }

    /** This configuration, with at most {@code parallelism} records (or message groups) running at once. */
    public BatchConfig withParallelism(int parallelism) {
        return new BatchConfig(parallelism, poisonReceiveCount, deadlineReserve);
    }

    /** This configuration, with failing messages logged as poison from receive {@code poisonReceiveCount} on. */
    public BatchConfig withPoisonReceiveCount(int poisonReceiveCount) {
        return new BatchConfig(parallelism, poisonReceiveCount, deadlineReserve);
    }

    /** This configuration, with no record starting once less than {@code deadlineReserve} of the invocation is left. */
    public BatchConfig withDeadlineReserve(Duration deadlineReserve) {
        return new BatchConfig(parallelism, poisonReceiveCount, deadlineReserve);
    }

    private static int atLeastOne(Environment environment, String name, int fallback) {
        int value = environment.intValue(name, fallback);
        if (value < 1) {
            throw new ConfigurationException("Environment variable " + name + " must be at least 1, was " + value);
        }
        return value;
    }

    private static Duration notNegative(Environment environment, String name, Duration fallback) {
        var value = environment.seconds(name, fallback);
        if (value.isNegative()) {
            throw new ConfigurationException("Environment variable " + name + " must not be negative, was "
                    + value.toSeconds());
        }
        return value;
    }
}
