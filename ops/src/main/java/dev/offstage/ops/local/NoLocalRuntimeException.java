package dev.offstage.ops.local;

/** There is no endpoints file: the local runtime has not been started here. */
public final class NoLocalRuntimeException extends RuntimeException {

    public NoLocalRuntimeException(String message) {
        super(message);
    }
}
