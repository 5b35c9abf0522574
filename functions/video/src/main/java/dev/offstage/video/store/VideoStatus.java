package dev.offstage.video.store;

/** A video's state: PROCESSING until it ends READY or FAILED, once. */
public enum VideoStatus {
    PROCESSING, READY, FAILED
}
