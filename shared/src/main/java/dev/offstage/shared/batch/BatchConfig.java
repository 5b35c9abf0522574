package dev.offstage.shared.batch;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;

/**
 * How {@link Batch} processes an event. Immutable; read it once at init and pass it to every
 * {@link Batch#process(com.amazonaws.services.lambda.runtime.events.SQSEvent,
 * com.amazonaws.services.lambda.runtime.Context, BatchConfig, RecordHandler) process} call.
 *
 * <pre>{@code
 * private static final BatchConfig BATCH = BatchConfig.from(Environment.system());
 * private static final BatchConfig FAST = BatchConfig.defaults().withParallelism(8);
 * }</pre>
 *
 * @param parallelism how many records run at once, each on its own virtual thread; on a FIFO
 *     queue, how many message groups (each group still runs one message after the other).
 *     {@code 1}, the default, runs every record on the calling thread in event order. Above 1 the
 *     {@link RecordHandler} is called from several threads at once and must be thread-safe.
 * @param poisonReceiveCount the {@code ApproximateReceiveCount} from which a failing message is
 *     logged as poison (default 5). Set it to the queue's redrive {@code maxReceiveCount}, so the
 *     warning comes with the last attempt before the message moves to the dead-letter queue.
 */
public record BatchConfig(int parallelism, int poisonReceiveCount) {

    /** {@link #parallelism()} without a cap: every record (or message group) at once. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** @throws IllegalArgumentException when {@code parallelism} or {@code poisonReceiveCount} is below 1 */
    public BatchConfig {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        if (poisonReceiveCount < 1) {
            throw new IllegalArgumentException("poisonReceiveCount must be at least 1, was " + poisonReceiveCount);
        }
    }

    /** One record after the other, on the calling thread; poison from the fifth receive. */
    public static BatchConfig defaults() {
        return new BatchConfig(1, 5);
    }

    /**
     * The configuration the function's environment asks for, with {@link #defaults()} for what it
     * leaves unset:
     * <ul>
     *   <li>{@code BATCH_PARALLELISM}: {@link #parallelism()}, a whole number of at least 1;</li>
     *   <li>{@code BATCH_POISON_RECEIVE_COUNT}: {@link #poisonReceiveCount()}, a whole number of at least 1.</li>
     * </ul>
     *
     * @throws ConfigurationException naming the variable when a value is malformed or out of range
     */
    public static BatchConfig from(Environment environment) {
        var defaults = defaults();
        return new BatchConfig(
                atLeastOne(environment, "BATCH_PARALLELISM", defaults.parallelism()),
                atLeastOne(environment, "BATCH_POISON_RECEIVE_COUNT", defaults.poisonReceiveCount()));
    }

    /** This configuration, with every record (or message group) running at once on virtual threads. */
    public BatchConfig parallel() {
        return withParallelism(UNLIMITED);
    }

    /** This configuration, with at most {@code parallelism} records (or message groups) running at once. */
    public BatchConfig withParallelism(int parallelism) {
        return new BatchConfig(parallelism, poisonReceiveCount);
    }

    /** This configuration, with failing messages logged as poison from receive {@code poisonReceiveCount} on. */
    public BatchConfig withPoisonReceiveCount(int poisonReceiveCount) {
        return new BatchConfig(parallelism, poisonReceiveCount);
    }

    private static int atLeastOne(Environment environment, String name, int fallback) {
        int value = environment.intValue(name, fallback);
        if (value < 1) {
            throw new ConfigurationException("Environment variable " + name + " must be at least 1, was " + value);
        }
        return value;
    }
}
