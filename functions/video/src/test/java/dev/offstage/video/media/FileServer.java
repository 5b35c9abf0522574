package dev.offstage.video.media;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves files over HTTP as S3 serves a presigned GET: {@code /files/<name>} from a directory,
 * with {@code Range: bytes=a-b} (ffmpeg seeks to an MP4's index that way), the query string
 * ignored; {@code /status/<code>} answers that status. Every request's path is remembered.
 */
final class FileServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    FileServer(Path directory) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/files/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            serve(exchange, directory);
        });
        server.createContext("/status/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** The URL of a file in the directory, with a query string like a presigned URL's. */
    String url(Path file) {
        return base() + "/files/" + file.getFileName() + "?X-Amz-Expires=900&X-Amz-Signature=0123456789abcdef";
    }

    String statusUrl(int status) {
        return base() + "/status/" + status;
    }

    /** A URL that answers 404, for a path that is not served. */
    String otherUrl(String path) {
        return base() + "/" + path;
    }

    /** The paths of every request so far, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, Path directory) throws IOException {
        try (exchange) {
            Path file = directory.resolve(exchange.getRequestURI().getPath().substring("/files/".length()));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.getResponseHeaders().set("Content-Type", "video/mp4");
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher matcher = range == null ? null : RANGE.matcher(range);
            if (matcher == null || !matcher.matches() || bytes.length == 0) {
                send(exchange, 200, bytes);
                return;
            }
            int start = Integer.parseInt(matcher.group(1));
            int end = matcher.group(2).isEmpty() ? bytes.length - 1 : Math.min(Integer.parseInt(matcher.group(2)), bytes.length - 1);
            if (start >= bytes.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + bytes.length);
            send(exchange, 206, Arrays.copyOfRange(bytes, start, end + 1));
        } catch (IOException e) {
            // ffmpeg closes connections it no longer needs, midway.
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
