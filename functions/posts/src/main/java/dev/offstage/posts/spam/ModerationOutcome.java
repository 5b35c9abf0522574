package dev.offstage.posts.spam;

/** What {@link SpamStore#recordModeratorVerdict} did; an HTTP handler maps it to a status. */
public enum ModerationOutcome {
    /** The verdict now overrides the model, and the token weights learned from it. */
    APPLIED,
    /** This request id was applied before: nothing changed (a retried request). */
    DUPLICATE,
    /** No version of the post was scored yet: nothing to judge (404). */
    UNKNOWN_POST,
    /** The post was deleted: nothing changes it any more (410). */
    DELETED_POST
}
