package dev.offstage.local.console;

import dev.offstage.local.triggers.SqsPoller;
import dev.offstage.ops.QueueAges;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The age of the oldest message per queue as the local runtime knows it: from the messages its
 * SQS pollers received and have not deleted ({@link SqsPoller#oldestUnfinished()}). A queue no
 * function polls (a dead-letter queue, a results queue), or one whose messages all went through,
 * has no known age and is left out.
 */
public final class PollerQueueAges implements QueueAges {

    private final SqsPoller poller;
    private final Clock clock;

    public PollerQueueAges(SqsPoller poller, Clock clock) {
        this.poller = poller;
        this.clock = clock;
    }

    @Override
    public Map<String, Long> oldestAgeSeconds(Map<String, String> queueUrls) {
        var now = clock.instant();
        var ages = new TreeMap<String, Long>();
        poller.oldestUnfinished().forEach((queue, sentAt) -> {
            if (queueUrls.containsKey(queue)) {
                ages.put(queue, Math.max(0, Duration.between(sentAt, now).toSeconds()));
            }
        });
        return ages;
    }
}
