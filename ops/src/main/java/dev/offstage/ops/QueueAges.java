package dev.offstage.ops;

import java.util.Map;

/**
 * The age of the oldest message per queue, which the SQS API does not report: CloudWatch's
 * ApproximateAgeOfOldestMessage in AWS, the runtime's own view locally.
 */
public interface QueueAges {

    /**
     * Ages in seconds by queue logical id, for the queues whose age is known.
     *
     * @param queueUrls queue logical id to URL
     */
    Map<String, Long> oldestAgeSeconds(Map<String, String> queueUrls);
}
