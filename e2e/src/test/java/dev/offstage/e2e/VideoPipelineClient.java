package dev.offstage.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.triggers.S3Notifications;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.video.notify.VideoNotice;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The video pipeline of a running {@link LocalRuntime} as an application meets it: uploads to the
 * uploads bucket, notices read (and deleted) from the notifications queue, the videos table, the
 * outputs bucket. The end-to-end and chaos tests share it. Not thread-safe except for the notices.
 */
public final class VideoPipelineClient implements AutoCloseable {

    private final LocalRuntime runtime;
    private final AwsClients aws;
    private final VideoStore store;
    /** Every notice received so far, in order, by the upload's key. */
    private final Map<String, List<VideoNotice>> notices = new HashMap<>(); // guarded by itself

    public VideoPipelineClient(LocalRuntime runtime) {
        this.runtime = runtime;
        this.aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        this.store = new VideoStore(aws.dynamoDb(), table(), Clock.systemUTC());
    }

    public AwsClients aws() {
        return aws;
    }

    public String uploadsBucket() {
        return runtime.endpoints().buckets().get("VideoUploadsBucket");
    }

    public String outputsBucket() {
        return runtime.endpoints().buckets().get("VideoOutputsBucket");
    }

    public String queue(String logicalId) {
        return runtime.endpoints().queues().get(logicalId);
    }

    private String table() {
        return runtime.endpoints().tables().get("VideosTable");
    }

    public VideoFiles outputs() {
        return new VideoFiles(aws.s3(), aws.s3Presigner(), outputsBucket());
    }

    /** Uploads {@code file} at {@code key} with one PutObject. */
    public void put(String key, Path file) {
        aws.s3().putObject(put -> put.bucket(uploadsBucket()).key(key).contentType("video/mp4"), RequestBody.fromFile(file));
    }

    /** Uploads {@code file} at {@code key} as a multipart upload of one part. */
    public void multipart(String key, Path file) throws Exception {
        var upload = aws.s3().createMultipartUpload(create -> create.bucket(uploadsBucket()).key(key).contentType("video/mp4"));
        var bytes = Files.readAllBytes(file);
        var part = aws.s3().uploadPart(request -> request.bucket(uploadsBucket()).key(key).uploadId(upload.uploadId()).partNumber(1),
                RequestBody.fromBytes(bytes));
        aws.s3().completeMultipartUpload(complete -> complete.bucket(uploadsBucket()).key(key).uploadId(upload.uploadId())
                .multipartUpload(parts -> parts.parts(CompletedPart.builder().partNumber(1).eTag(part.eTag()).build())));
    }

    /** Receives what the notifications queue holds now (waiting up to a second), keeps and deletes it. */
    public void receiveNotices() {
        var queue = queue("VideoNotificationsQueue");
        synchronized (notices) {
            for (var message : aws.sqs().receiveMessage(receive -> receive.queueUrl(queue).waitTimeSeconds(1)
                    .maxNumberOfMessages(10)).messages()) {
                var notice = VideoNotifications.parse(message.body());
                notices.computeIfAbsent(notice.key(), k -> new ArrayList<>()).add(notice);
                aws.sqs().deleteMessage(delete -> delete.queueUrl(queue).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** Waits for the first notice of the upload at {@code key}, as an application consuming the notifications queue would. */
    public VideoNotice awaitNotice(String key, Duration wait) {
        var deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline)) {
            var received = noticesFor(key);
            if (!received.isEmpty()) {
                return received.getFirst();
            }
            receiveNotices();
        }
        throw new AssertionError("No notice for " + key + " within " + wait);
    }

    /** Every notice received so far for uploads at {@code key}. */
    public List<VideoNotice> noticesFor(String key) {
        synchronized (notices) {
            return List.copyOf(notices.getOrDefault(key, List.of()));
        }
    }

    /** Every notice received so far. */
    public List<VideoNotice> allNotices() {
        synchronized (notices) {
            return notices.values().stream().flatMap(List::stream).toList();
        }
    }

    public VideoRecord record(String videoId) {
        return store.get(videoId).orElseThrow(() -> new AssertionError("No video " + videoId + " in the videos table"));
    }

    /** Every video in the table (a scan: for tests with a handful of videos). */
    public List<VideoRecord> allRecords() {
        return aws.dynamoDb().scanPaginator(scan -> scan.tableName(table()).consistentRead(true).projectionExpression("id"))
                .items().stream().map(item -> record(item.get("id").s())).toList();
    }

    /**
     * The S3 event of the upload a video was made from, as S3 delivers it (same bucket, key, size,
     * entity tag and sequencer): handing it to the transcoder again is a duplicate S3 event.
     */
    public byte[] uploadEvent(VideoRecord video) throws IOException {
        var event = (ObjectNode) Json.tree(Files.readString(Path.of("events/video-s3-upload.json")));
        var s3 = (ObjectNode) event.get("Records").get(0).get("s3");
        ((ObjectNode) s3.get("bucket")).put("name", uploadsBucket()).put("arn", "arn:aws:s3:::" + uploadsBucket());
        ((ObjectNode) s3.get("object")).put("key", S3Notifications.encodeKey(video.upload().key()))
                .put("size", video.upload().size()).put("eTag", video.upload().eTag()).put("sequencer", video.upload().sequencer());
        return Json.write(event).getBytes(StandardCharsets.UTF_8);
    }

    /** Downloads an object of the outputs bucket into {@code directory}. */
    public Path download(String key, Path directory) {
        var file = directory.resolve(key.replace('/', '_'));
        outputs().download(key, file);
        return file;
    }

    /** Waits until the runtime has no asynchronous event left to invoke or retry. */
    public boolean awaitAsyncIdle(Duration wait) throws InterruptedException {
        var deadline = Instant.now().plus(wait);
        while (runtime.pendingAsyncEvents() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        return runtime.pendingAsyncEvents() == 0;
    }

    @Override
    public void close() {
        aws.close();
    }
}
