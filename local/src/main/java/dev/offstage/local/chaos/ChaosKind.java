package dev.offstage.local.chaos;

/** What the local runtime's chaos did to a delivery or an invocation ({@link Chaos}). */
public enum ChaosKind {
    /** An SQS message delivered a second time, or an asynchronous event accepted twice. */
    DUPLICATE,
    /** An SQS batch whose records were shuffled, or an asynchronous event delayed behind later ones. */
    REORDER,
    /** An SQS message received and put back for 1–5 s, so that later messages overtake it. */
    HOLD_BACK,
    /** An execution environment killed (SIGKILL) while its invocation ran. */
    KILL,
    /** An invocation whose deadline was cut short: it ran past it and was stopped as Lambda stops a timeout. */
    OVERRUN
}
