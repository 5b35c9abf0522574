package dev.offstage.ops;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One queue as the console shows it.
 *
 * @param logicalId         the queue's logical id in template.yaml
 * @param url               its URL
 * @param visible           messages waiting (ApproximateNumberOfMessages)
 * @param inFlight          messages received and not yet deleted (ApproximateNumberOfMessagesNotVisible)
 * @param delayed           messages not yet visible because of a delay
 * @param oldestAgeSeconds  age of the oldest message in seconds, or {@code null} when unknown
 * @param deadLetterQueue   logical id of the queue its redrive policy sends to, or {@code null}
 * @param sources           logical ids of the queues whose redrive policy sends here: not empty
 *                          means this is a dead-letter queue
 */
public record QueueStatus(String logicalId, String url, long visible, long inFlight, long delayed,
        Long oldestAgeSeconds, @JsonProperty("deadLetterQueue") String deadLetterQueue, List<String> sources) {

    public QueueStatus {
        sources = List.copyOf(sources);
    }

    /**
     * Whether some other queue redrives into this one. Not in the JSON form, where Jackson would
     * take it for the {@code deadLetterQueue} component: {@code sources} says it.
     */
    @JsonIgnore
    public boolean isDeadLetterQueue() {
        return !sources.isEmpty();
    }
}
