package dev.offstage.testing;

/**
 * Hears about every object the local S3 emulator (S3Proxy) creates or removes, after the change
 * succeeded. S3Proxy sends no event notifications of its own; the local runtime turns these calls
 * into S3 event notifications for the template's functions.
 *
 * <p>Called on the thread serving the S3 request, after the object is stored and before the
 * response is sent: implementations must return quickly (hand the change to a queue) and should
 * not throw — an exception is logged and the S3 request still succeeds. May be called from many
 * threads at once.
 */
@FunctionalInterface
public interface S3ObjectListener {

    void changed(S3ObjectChange change);
}
