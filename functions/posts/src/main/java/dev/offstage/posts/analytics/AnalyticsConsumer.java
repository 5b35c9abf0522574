package dev.offstage.posts.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;

/** The analytics queue's consumer: applies each event to the exact counters ({@link AnalyticsStore#apply}). */
public final class AnalyticsConsumer {

    private final AnalyticsStore store;
    private final BatchConfig batch;

    public AnalyticsConsumer(AnalyticsStore store, BatchConfig batch) {
        this.store = store;
        this.batch = batch;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> store.apply(PostEventFormat.parse(message.getBody())));
    }
}
