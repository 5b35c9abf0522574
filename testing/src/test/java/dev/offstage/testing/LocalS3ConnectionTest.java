package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The local S3 emulator at the HTTP level, with the bytes the SDK sends: what a client sees on its
 * connection, which the SDK's retries turn into duplicate objects and notifications.
 */
class LocalS3ConnectionTest {

    private static final String BUCKET = "connection-test";
    private static final List<S3ObjectChange> changes = new CopyOnWriteArrayList<>();
    private static LocalEmulators emulators;

    @BeforeAll
    static void start() throws IOException {
        emulators = LocalEmulators.start(Optional.of(changes::add));
        try (var connection = connect()) {
            var created = connection.send(sign(SdkHttpMethod.PUT, "/" + BUCKET, new byte[0], false));
            assertThat(created.status()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        if (emulators != null) {
            emulators.close();
        }
    }

    /**
     * The SDK uploads {@code aws-chunked} over plain HTTP: the data chunk, then a final empty chunk
     * and the checksum trailer. The emulator answers once it has the data; a client that sends the
     * rest only then must keep its connection, or the SDK retries the upload and stores it twice.
     */
    @Test
    void uploadWhoseLastChunkArrivesAfterTheAnswerKeepsTheConnectionAndStoresOnce() throws IOException {
        var body = "quarterly numbers, v1".getBytes(StandardCharsets.UTF_8);
        var upload = sign(SdkHttpMethod.PUT, "/" + BUCKET + "/report.txt", body, true);
        var lastChunk = indexOf(upload.body(), "\r\n0;".getBytes(StandardCharsets.US_ASCII)) + 2;

        try (var connection = connect()) {
            connection.write(upload.head(), Arrays.copyOfRange(upload.body(), 0, lastChunk));
            var stored = connection.readAnswer();
            Answer head;
            try {
                connection.write(Arrays.copyOfRange(upload.body(), lastChunk, upload.body().length));
                head = connection.send(sign(SdkHttpMethod.HEAD, "/" + BUCKET + "/report.txt", new byte[0], false));
            } catch (IOException closed) {
                throw new AssertionError("The emulator closed the connection after answering the upload, before its "
                        + "last chunk arrived: the SDK would retry the upload", closed);
            }

            assertThat(stored.status()).isEqualTo(200);
            assertThat(head.status()).as("an answer to the next request on the same connection").isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(body.length));
        }
        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.operation()).isEqualTo(S3ObjectChange.Operation.PUT);
            assertThat(change.key()).isEqualTo("report.txt");
        });
    }

    /** A request as the SDK sends it: head and body bytes. */
    private record RawRequest(byte[] head, byte[] body) {}

    private record Answer(int status, List<String> headers) {
        String header(String name) {
            return headers.stream().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(line -> line.substring(name.length() + 1).strip()).findFirst().orElse(null);
        }
    }

    /** Signs as the SDK's S3 client does over HTTP; {@code chunked} sends the body {@code aws-chunked} with a CRC32 trailer. */
    private static RawRequest sign(SdkHttpMethod method, String path, byte[] body, boolean chunked) {
        var endpoint = emulators.s3Endpoint();
        var request = SdkHttpRequest.builder().method(method).uri(endpoint.resolve(path))
                .putHeader("Host", endpoint.getHost() + ":" + endpoint.getPort())
                .putHeader("Content-Length", String.valueOf(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(signing -> {
            signing.identity(AwsCredentialsIdentity.create("offstage", TestSecrets.EMULATOR_SECRET_ACCESS_KEY))
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.REGION_NAME, Emulators.REGION)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3");
            if (chunked) {
                signing.putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true)
                        .putProperty(AwsV4HttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32);
            }
        });
        var head = new StringBuilder(method.name()).append(' ').append(signed.request().encodedPath()).append(" HTTP/1.1\r\n");
        signed.request().forEachHeader((name, values) -> head.append(name).append(": ").append(String.join(",", values)).append("\r\n"));
        head.append("\r\n");
        byte[] payload;
        try (var stream = signed.payload().map(ContentStreamProvider::newStream).orElse(InputStream.nullInputStream())) {
            payload = stream.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new RawRequest(head.toString().getBytes(StandardCharsets.US_ASCII), payload);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("no " + new String(part, StandardCharsets.US_ASCII).strip() + " in the body");
    }

    private static Connection connect() throws IOException {
        URI endpoint = emulators.s3Endpoint();
        var socket = new Socket(endpoint.getHost(), endpoint.getPort());
        socket.setSoTimeout(10_000);
        return new Connection(socket);
    }

    /** One HTTP/1.1 connection, used the way HttpURLConnection uses a kept-alive one. */
    private record Connection(Socket socket) implements AutoCloseable {

        Answer send(RawRequest request) throws IOException {
            write(request.head(), request.body());
            return new String(request.head(), 0, 5, StandardCharsets.US_ASCII).equals("HEAD ") ? readHeadAnswer() : readAnswer();
        }

        void write(byte[]... parts) throws IOException {
            OutputStream out = socket.getOutputStream();
            for (var part : parts) {
                out.write(part);
            }
            out.flush();
        }

        /** The status line and headers of the next answer; its body is read and dropped. */
        Answer readAnswer() throws IOException {
            var answer = readHeadAnswer();
            var length = answer.header("Content-Length");
            socket.getInputStream().readNBytes(length == null ? 0 : Integer.parseInt(length));
            return answer;
        }

        /** The status line and headers of the next answer, which has no body (it answers a HEAD). */
        Answer readHeadAnswer() throws IOException {
            var in = socket.getInputStream();
            var lines = new ArrayList<String>();
            for (String line; !(line = readLine(in)).isEmpty(); ) {
                lines.add(line);
            }
            return new Answer(Integer.parseInt(lines.getFirst().split(" ")[1]), List.copyOf(lines.subList(1, lines.size())));
        }

        private static String readLine(InputStream in) throws IOException {
            var line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b == -1) {
                    throw new IOException("The emulator closed the connection");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
