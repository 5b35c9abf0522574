package dev.offstage.posts.index;

/**
 * Another invocation holds the post's lease (it is indexing another event of the same post, or
 * crashed doing so and its lease has not yet run out). Retryable: redeliver the event later.
 */
public final class PostBusyException extends RuntimeException {

    PostBusyException(String postId) {
        super("Post " + postId + " is being indexed by another invocation; retry later");
    }
}
