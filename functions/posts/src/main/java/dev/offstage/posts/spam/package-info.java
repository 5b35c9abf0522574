/**
 * Spam filtering, the consumer of the spam queue: {@link dev.offstage.posts.spam.SpamScorer}
 * scores each post with explainable reasons (pure), {@link dev.offstage.posts.spam.SpamStore}
 * keeps verdicts, duplicate-text markers and the learned token model in DynamoDB (item design
 * there), and {@link dev.offstage.posts.spam.Spam} ties them together for a handler. Moderators'
 * verdicts override the model's and teach its token weights. Search hides a post when
 * {@link dev.offstage.posts.spam.StoredVerdict#hidden()}.
 */
package dev.offstage.posts.spam;
