package dev.offstage.posts.index;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;

/**
 * The index queue's consumer: applies each event to the search index. Exactly once per
 * (post, version) however often and in whatever order events arrive ({@link SearchIndex#apply});
 * a post another invocation holds ({@link PostBusyException}) is retried. Thread-safe: batches may
 * run in parallel ({@code OFFSTAGE_BATCH_PARALLELISM}).
 */
public final class IndexConsumer {

    private final SearchIndex index;
    private final BatchConfig batch;

    public IndexConsumer(SearchIndex index, BatchConfig batch) {
        this.index = index;
        this.batch = batch;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> index.apply(PostEventFormat.parse(message.getBody())));
    }
}
