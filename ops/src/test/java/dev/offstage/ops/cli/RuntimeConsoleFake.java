package dev.offstage.ops.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.offstage.ops.ErrorLine;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A protocol fake of the local runtime's console API ({@code /_offstage/api/ages} and
 * {@code /_offstage/api/errors}), on a free loopback port, answering what the test put in it.
 */
final class RuntimeConsoleFake implements AutoCloseable {

    final Map<String, Long> ages = new ConcurrentHashMap<>();
    final List<ErrorLine> errors = new CopyOnWriteArrayList<>();
    /** message id to the ERROR lines naming it */
    final Map<String, List<ErrorLine>> byMessage = new ConcurrentHashMap<>();
    private final HttpServer server;

    RuntimeConsoleFake() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/_offstage/api/ages", exchange -> answer(exchange, Json.write(ages)));
        server.createContext("/_offstage/api/errors", exchange -> {
            var query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            var parameter = query.split("=", 2);
            var value = parameter.length == 2 ? URLDecoder.decode(parameter[1], StandardCharsets.UTF_8) : "";
            answer(exchange, switch (parameter[0]) {
                case "limit" -> Json.write(errors.stream().limit(Long.parseLong(value)).toList());
                case "messageId" -> Json.write(byMessage.getOrDefault(value, List.of()));
                default -> "[]";
            });
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
