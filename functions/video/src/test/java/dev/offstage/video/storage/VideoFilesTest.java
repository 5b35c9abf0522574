package dev.offstage.video.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.video.media.Rendition;
import dev.offstage.video.store.Upload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/** The outputs bucket and presigned reads against S3Proxy: what ffmpeg fetches, what the pipeline writes and cleans up. */
@ExtendWith(EmulatorsExtension.class)
class VideoFilesTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path folder;

    private final AwsClients aws;
    private final String outputs = EmulatorsExtension.uniqueName("outputs");
    private final String uploads = EmulatorsExtension.uniqueName("uploads");
    private final VideoFiles files;
    private final HttpClient http = HttpClient.newHttpClient();

    VideoFilesTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        aws.s3().createBucket(create -> create.bucket(outputs));
        aws.s3().createBucket(create -> create.bucket(uploads));
        this.files = new VideoFiles(aws.s3(), aws.s3Presigner(), outputs);
    }

    @AfterEach
    void close() {
        http.close();
        aws.close();
    }

    private Path file(String name, long size) throws IOException {
        var bytes = new byte[(int) size];
        new Random(size).nextBytes(bytes);
        return Files.write(folder.resolve(name), bytes);
    }

    private byte[] stored(String key) {
        return aws.s3().getObjectAsBytes(get -> get.bucket(outputs).key(key)).asByteArray();
    }

    private HttpResponse<byte[]> fetch(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void presignedUploadIsFetchableOverPlainHttp() throws Exception {
        var key = "uploads/holiday clip+(1).mp4";
        var bytes = "not really a video, but bytes".getBytes(StandardCharsets.UTF_8);
        aws.s3().putObject(put -> put.bucket(uploads).key(key), RequestBody.fromBytes(bytes));
        var upload = new Upload(uploads, key, Optional.empty(), "0055AED6DCD90281E5", bytes.length, "etag");

        var response = fetch(files.presignedGet(upload, Duration.ofMinutes(15)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
    }

    @Test
    void presignedUploadNamesItsVersionAndHowLongItIsValid() {
        var upload = new Upload(uploads, "uploads/clip.mp4", Optional.of("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"), "00", 1, "e");

        var url = URI.create(files.presignedGet(upload, Duration.ofMinutes(15)));

        assertThat(url.getPath()).endsWith("/" + uploads + "/uploads/clip.mp4");
        assertThat(url.getQuery()).contains("versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd", "X-Amz-Expires=900", "X-Amz-Signature=");
        var unversioned = new Upload(uploads, "uploads/clip.mp4", Optional.empty(), "00", 1, "e");
        assertThat(files.presignedGet(unversioned, Duration.ofMinutes(1))).doesNotContain("versionId");
    }

    @Test
    void presignedOutputIsFetchable() throws Exception {
        var poster = file("poster.jpg", 2048);
        files.put(VideoFiles.posterKey("clip-1"), poster, "image/jpeg");

        var response = fetch(files.presignedOutput(VideoFiles.posterKey("clip-1"), Duration.ofMinutes(5)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Files.readAllBytes(poster));
        assertThat(response.headers().firstValue("content-type")).contains("image/jpeg");
    }

    @Test
    void smallFileIsStoredInOneRequestWithItsContentType() throws Exception {
        var rendition = file("720p.mp4", 300_000);
        var key = VideoFiles.renditionKey("clip-1", new Rendition("720p", 1280, 720, 2800, 128));

        files.put(key, rendition, "video/mp4");

        assertThat(key).isEqualTo("videos/clip-1/720p.mp4");
        assertThat(stored(key)).isEqualTo(Files.readAllBytes(rendition));
        var head = aws.s3().headObject(get -> get.bucket(outputs).key(key));
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.eTag()).doesNotContain("-");
    }

    @Test
    void largeFileIsStoredInPartsAndReadsBackTheSame() throws Exception {
        var multipart = new VideoFiles(aws.s3(), aws.s3Presigner(), outputs, 5 * MIB, 5 * MIB, 1000);
        var rendition = file("1080p.mp4", 11 * MIB + 3);

        multipart.put("videos/clip-1/1080p.mp4", rendition, "video/mp4");

        assertThat(stored("videos/clip-1/1080p.mp4")).isEqualTo(Files.readAllBytes(rendition));
        var head = aws.s3().headObject(get -> get.bucket(outputs).key("videos/clip-1/1080p.mp4"));
        assertThat(head.contentType()).isEqualTo("video/mp4");
        // S3's entity tag of a multipart object ends with its part count.
        assertThat(head.eTag()).endsWith("-3\"");
    }

    @Test
    void fileOfExactlyTheThresholdIsOneRequest() throws Exception {
        var parts = new CountingS3(aws.s3(), Integer.MAX_VALUE);
        var multipart = new VideoFiles(parts, aws.s3Presigner(), outputs, 1000, 5 * MIB, 1000);

        multipart.put("videos/clip-1/480p.mp4", file("480p.mp4", 1000), "video/mp4");

        assertThat(parts.created).hasValue(0);
        assertThat(stored("videos/clip-1/480p.mp4")).hasSize(1000);
    }

    @Test
    void failedMultipartUploadIsAbortedAndTheFailurePropagates() throws Exception {
        var failing = new CountingS3(aws.s3(), 2);
        var multipart = new VideoFiles(failing, aws.s3Presigner(), outputs, 5 * MIB, 5 * MIB, 1000);
        var rendition = file("1080p.mp4", 11 * MIB);

        assertThatThrownBy(() -> multipart.put("videos/clip-1/1080p.mp4", rendition, "video/mp4"))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("part 2 lost");

        assertThat(failing.aborted).containsExactly(failing.uploadId);
        assertThat(failing.completed).hasValue(0);
        assertThat(failing.inProgressWhenItFailed).contains(failing.uploadId);
        assertThat(inProgress()).doesNotContain(failing.uploadId);
        assertThat(files.list("videos/")).isEmpty();
    }

    private List<String> inProgress() {
        return aws.s3().listMultipartUploads(list -> list.bucket(outputs)).uploads().stream()
                .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId).toList();
    }

    @Test
    void putReplacesWhatTheKeyHeld() throws Exception {
        files.put("videos/clip-1/poster.jpg", file("a.jpg", 10), "image/jpeg");
        var second = file("b.jpg", 20);

        files.put("videos/clip-1/poster.jpg", second, "image/jpeg");

        assertThat(stored("videos/clip-1/poster.jpg")).isEqualTo(Files.readAllBytes(second));
    }

    @Test
    void downloadReplacesTheTargetAndCreatesItsFolder() throws Exception {
        var segment = file("segment.mkv", 70_000);
        files.put(VideoFiles.sourceSegmentKey("clip-1", 3), segment, "video/x-matroska");
        var target = folder.resolve("work/source/00003.mkv");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "stale");

        files.download("work/clip-1/source/00003.mkv", target);

        assertThat(target).hasSameBinaryContentAs(segment);
        files.download("work/clip-1/source/00003.mkv", folder.resolve("fresh/deeper/00003.mkv"));
        assertThat(folder.resolve("fresh/deeper/00003.mkv")).hasSameBinaryContentAs(segment);
    }

    @Test
    void listGivesEveryKeyUnderThePrefixInOrderAcrossPages() throws Exception {
        var paged = new VideoFiles(aws.s3(), aws.s3Presigner(), outputs, VideoFiles.MULTIPART_THRESHOLD, VideoFiles.PART_SIZE, 2);
        var small = file("x", 1);
        var expected = new ArrayList<String>();
        for (var index : List.of(4, 0, 2, 1, 3)) {
            files.put(VideoFiles.encodedSegmentKey("clip-1", "720p", index), small, "video/mp4");
        }
        for (int index = 0; index < 5; index++) {
            expected.add("work/clip-1/encoded/720p/%05d.mp4".formatted(index));
        }
        files.put(VideoFiles.encodedSegmentKey("clip-10", "720p", 0), small, "video/mp4");
        files.put(VideoFiles.encodedSegmentKey("clip-1", "480p", 0), small, "video/mp4");

        assertThat(paged.list("work/clip-1/encoded/720p/")).containsExactlyElementsOf(expected);
        assertThat(paged.list(VideoFiles.workPrefix("clip-1"))).hasSize(6).doesNotContain("work/clip-10/encoded/720p/00000.mp4");
        assertThat(paged.list("work/nothing/")).isEmpty();
    }

    @Test
    void deletePrefixRemovesEveryPageOfKeysAndNothingElse() throws Exception {
        var paged = new VideoFiles(aws.s3(), aws.s3Presigner(), outputs, VideoFiles.MULTIPART_THRESHOLD, VideoFiles.PART_SIZE, 2);
        var small = file("x", 1);
        for (int index = 0; index < 5; index++) {
            files.put(VideoFiles.sourceSegmentKey("clip-1", index), small, "video/x-matroska");
            files.put(VideoFiles.encodedSegmentKey("clip-1", "720p", index), small, "video/mp4");
        }
        files.put(VideoFiles.sourceSegmentKey("clip-10", 0), small, "video/x-matroska");
        files.put("videos/clip-1/720p.mp4", small, "video/mp4");

        paged.deletePrefix(VideoFiles.workPrefix("clip-1"));
        paged.deletePrefix(VideoFiles.workPrefix("clip-1"));

        assertThat(files.list("")).containsExactly("videos/clip-1/720p.mp4", "work/clip-10/source/00000.mkv");
    }

    @Test
    void deletePrefixRefusesTheWholeBucket() {
        assertThatThrownBy(() -> files.deletePrefix("")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The real client, counting multipart calls and failing the {@code failAtPart}-th part as a
     * broken connection would.
     */
    private static final class CountingS3 implements S3Client {
        private final S3Client s3;
        private final int failAtPart;
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger parts = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final List<String> aborted = new ArrayList<>();
        volatile String uploadId;
        volatile List<String> inProgressWhenItFailed = List.of();

        CountingS3(S3Client s3, int failAtPart) {
            this.s3 = s3;
            this.failAtPart = failAtPart;
        }

        @Override
        public software.amazon.awssdk.services.s3.model.PutObjectResponse putObject(
                software.amazon.awssdk.services.s3.model.PutObjectRequest request, RequestBody body) {
            return s3.putObject(request, body);
        }

        @Override
        public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest request) {
            created.incrementAndGet();
            var response = s3.createMultipartUpload(request);
            uploadId = response.uploadId();
            return response;
        }

        @Override
        public UploadPartResponse uploadPart(UploadPartRequest request, RequestBody body) {
            if (parts.incrementAndGet() == failAtPart) {
                inProgressWhenItFailed = s3.listMultipartUploads(list -> list.bucket(request.bucket())).uploads().stream()
                        .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId).toList();
                throw SdkClientException.create("part " + failAtPart + " lost: connection reset");
            }
            return s3.uploadPart(request, body);
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest request) {
            completed.incrementAndGet();
            return s3.completeMultipartUpload(request);
        }

        @Override
        public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest request) {
            aborted.add(request.uploadId());
            return s3.abortMultipartUpload(request);
        }

        @Override
        public software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse listMultipartUploads(
                software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest request) {
            return s3.listMultipartUploads(request);
        }

        @Override
        public String serviceName() {
            return s3.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
