package dev.offstage.testing;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Resource names unique within a test run, valid as DynamoDB table, SQS queue and S3 bucket names. */
final class UniqueNames {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private UniqueNames() {}

    static String next(String prefix) {
        var clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return clean + "-" + COUNTER.incrementAndGet() + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    }
}
