package dev.offstage.ops.aws;

import dev.offstage.ops.QueueAges;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Ages from CloudWatch: the {@code AWS/SQS} metric {@code ApproximateAgeOfOldestMessage}
 * (statistic Maximum, one-minute periods) over the last {@value #WINDOW_MINUTES} minutes, the
 * latest datapoint of each queue, all queues in one GetMetricData call (up to 500 queries a call).
 * SQS publishes the metric every minute or so, and not for a queue that has been empty and idle
 * for six hours: such a queue has no age here. When CloudWatch cannot be asked, no age is known.
 * Needs {@code cloudwatch:GetMetricData}. Thread-safe.
 */
public final class CloudWatchQueueAges implements QueueAges {

    static final int WINDOW_MINUTES = 10;
    private static final int QUERIES_PER_CALL = 500;

    private final CloudWatchClient cloudWatch;
    private final Clock clock;

    public CloudWatchQueueAges(CloudWatchClient cloudWatch, Clock clock) {
        this.cloudWatch = cloudWatch;
        this.clock = clock;
    }

    @Override
    public Map<String, Long> oldestAgeSeconds(Map<String, String> queueUrls) {
        try {
            var ages = new HashMap<String, Long>();
            var ids = new ArrayList<>(new TreeMap<>(queueUrls).keySet());
            for (int start = 0; start < ids.size(); start += QUERIES_PER_CALL) {
                var chunk = ids.subList(start, Math.min(ids.size(), start + QUERIES_PER_CALL));
                ages.putAll(ages(chunk, queueUrls));
            }
            return ages;
        } catch (SdkException e) {
            return Map.of();
        }
    }

    private Map<String, Long> ages(List<String> logicalIds, Map<String, String> queueUrls) {
        var request = request(logicalIds, queueUrls);
        var ages = new HashMap<String, Long>();
        for (var page : cloudWatch.getMetricDataPaginator(request)) {
            for (var result : page.metricDataResults()) {
                // Query ids are q<position>: CloudWatch wants them to start with a lowercase letter.
                var id = logicalIds.get(Integer.parseInt(result.id().substring(1)));
                if (result.hasValues() && !result.values().isEmpty() && !ages.containsKey(id)) {
                    // Newest first (TimestampDescending): the first value is the latest minute.
                    ages.put(id, Math.round(result.values().getFirst()));
                }
            }
        }
        return ages;
    }

    GetMetricDataRequest request(List<String> logicalIds, Map<String, String> queueUrls) {
        var now = clock.instant();
        var queries = new ArrayList<MetricDataQuery>();
        for (int i = 0; i < logicalIds.size(); i++) {
            var url = queueUrls.get(logicalIds.get(i));
            var queueName = url.substring(url.lastIndexOf('/') + 1);
            queries.add(MetricDataQuery.builder().id("q" + i).returnData(true)
                    .metricStat(stat -> stat.period(60).stat("Maximum").metric(metric -> metric.namespace("AWS/SQS")
                            .metricName("ApproximateAgeOfOldestMessage")
                            .dimensions(dimension -> dimension.name("QueueName").value(queueName))))
                    .build());
        }
        return GetMetricDataRequest.builder().metricDataQueries(queries)
                .startTime(now.minus(Duration.ofMinutes(WINDOW_MINUTES))).endTime(now)
                .scanBy(ScanBy.TIMESTAMP_DESCENDING).build();
    }
}
