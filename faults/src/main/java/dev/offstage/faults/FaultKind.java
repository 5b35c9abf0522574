package dev.offstage.faults;

/** What the injector did to an attempt. */
public enum FaultKind {
    /** A throttling error before the request was sent: nothing landed. */
    THROTTLE,
    /** A 500 or 503 before the request was sent: nothing landed. */
    SERVER_ERROR,
    /** A 500 after a write succeeded: the write landed, the caller sees an error. */
    FAIL_AFTER_WRITE,
    /** A batch write sent without some of its entries, which the answer lists as not processed. */
    PARTIAL_BATCH,
    /** A delay before the request was sent. */
    LATENCY
}
