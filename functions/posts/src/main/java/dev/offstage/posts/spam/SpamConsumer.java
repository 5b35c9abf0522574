package dev.offstage.posts.spam;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.posts.index.SearchIndex;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;

/**
 * The spam queue's consumer: scores each event ({@link Spam#score}) and makes search follow the
 * post's stored verdict — the newest version's, or a moderator's — hiding spam and showing the rest.
 * Following the stored verdict rather than this event's makes the hide flag converge whatever
 * order events arrive in.
 */
public final class SpamConsumer {

    private final Spam spam;
    private final SearchIndex index;
    private final BatchConfig batch;

    public SpamConsumer(Spam spam, SearchIndex index, BatchConfig batch) {
        this.spam = spam;
        this.index = index;
        this.batch = batch;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> {
            var post = PostEventFormat.parse(message.getBody());
            spam.score(post);
            if (post.type() == PostEvent.Type.DELETED) {
                return;
            }
            var stored = spam.verdict(post.postId());
            if (stored.isPresent() && stored.get().hidden()) {
                index.hide(post.postId());
            } else if (stored.isPresent()) {
                index.unhide(post.postId());
            }
        });
    }
}
