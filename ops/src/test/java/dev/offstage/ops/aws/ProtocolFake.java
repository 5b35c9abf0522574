package dev.offstage.ops.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A minimal HTTP server on a free loopback port that speaks just enough of one AWS service's wire
 * protocol for one test: it records every request and answers with what {@code responder} returns.
 * Not an emulator: each test scripts the answers it needs.
 */
final class ProtocolFake implements AutoCloseable {

    /** One request as it came over the wire. */
    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().getFirst()).findFirst().orElse(null);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One answer: status, content type and body. */
    record Response(int status, String contentType, byte[] body) {

        static Response of(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    ProtocolFake(Function<Request, Response> responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (var in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            var request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            Response response;
            try {
                response = responder.apply(request);
            } catch (RuntimeException | AssertionError e) {
                response = Response.of(500, "text/plain", "fake failed: " + e);
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("x-amzn-RequestId", "fake-request");
            if (response.contentType().equals("application/cbor")) {
                exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
            }
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (var out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
            exchange.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
