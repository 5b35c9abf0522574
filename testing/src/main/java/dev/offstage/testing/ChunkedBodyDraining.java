package dev.offstage.testing;

import java.lang.reflect.Field;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.io.Content;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Response;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.util.Callback;

/**
 * Makes S3Proxy read the whole body of a successful {@code aws-chunked} upload before it ends the
 * exchange, so that the client's connection stays open.
 *
 * <p>Why: the SDK sends uploads {@code aws-chunked} over plain HTTP (signed data chunks, then a
 * final empty chunk and the checksum trailer). S3Proxy 4.1 stops reading at
 * {@code x-amz-decoded-content-length}, stores the object and answers 200; Jetty then finds request
 * content unread and closes the connection. When the client is slower than the server (a loaded
 * machine), its write of the final chunk meets the closed connection, the SDK sees an
 * {@code IOException} and retries the PutObject: the object is stored twice, a versioned bucket
 * gains a version and S3 notifications fire twice. S3 itself reads the whole request.
 */
final class ChunkedBodyDraining extends Handler.Wrapper {

    /** The header S3Proxy limits its read to; present on every {@code aws-chunked} upload. */
    private static final String DECODED_LENGTH = "x-amz-decoded-content-length";

    private ChunkedBodyDraining(Handler handler) {
        super(handler);
    }

    /**
     * Puts the draining in front of the proxy's handlers. Call before {@link S3Proxy#start()}.
     *
     * @throws IllegalStateException when this S3Proxy version does not keep its Jetty server where
     *     4.1 does (an upgrade must revisit this workaround)
     */
    static void install(S3Proxy proxy) {
        Server server;
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            server = (Server) field.get(proxy);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("S3Proxy no longer keeps its Jetty server in the field 'server': "
                    + "revisit " + ChunkedBodyDraining.class.getSimpleName() + " for this S3Proxy version", e);
        }
        server.setHandler(new ChunkedBodyDraining(server.getHandler()));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!request.getHeaders().contains(DECODED_LENGTH)) {
            return super.handle(request, response, callback);
        }
        return super.handle(request, response, new Callback() {
            @Override
            public void succeeded() {
                // Only successes: a request refused before its body was read (a signature error
                // after Expect: 100-continue, say) may never get the rest of its body.
                if (response.getStatus() / 100 == 2) {
                    Content.Source.consumeAll(request, callback);
                } else {
                    callback.succeeded();
                }
            }

            @Override
            public void failed(Throwable failure) {
                callback.failed(failure);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        });
    }
}
