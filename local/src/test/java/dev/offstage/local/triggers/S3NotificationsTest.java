package dev.offstage.local.triggers;

import static dev.offstage.local.triggers.TestApplications.application;
import static dev.offstage.local.triggers.TestApplications.function;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.offstage.local.model.BucketSpec;
import dev.offstage.local.model.EventSource;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * S3 notifications from the local S3 emulator. The emulators here are started the way the local
 * runtime starts them — with the notifications as S3Proxy's listener — since the shared ones of
 * {@link EmulatorsExtension} have no listener.
 */
class S3NotificationsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AsyncInvoker.Timing FAST =
            new AsyncInvoker.Timing(Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(40));
    private static final String UPLOADS = EmulatorsExtension.uniqueName("uploads");
    private static final String FILTERED = EmulatorsExtension.uniqueName("filtered");
    private static final String VERSIONED = EmulatorsExtension.uniqueName("versioned");

    private static final FakeInvoker invoker = new FakeInvoker();
    private static Emulators emulators;
    private static AwsClients aws;
    private static AsyncInvoker async;

    @BeforeAll
    static void start() {
        var app = application(List.of(
                        function("OnUpload", new EventSource.S3("Created", "Uploads", List.of("s3:ObjectCreated:*"), "", "")),
                        function("OnCsv", new EventSource.S3("CsvPut", "Filtered", List.of("s3:ObjectCreated:Put"), "incoming/", ".csv")),
                        function("OnVersion", new EventSource.S3("Changes", "Versioned",
                                List.of("s3:ObjectCreated:*", "s3:ObjectRemoved:*"), "", ""))),
                List.of(),
                List.of(new BucketSpec("Uploads", UPLOADS, false), new BucketSpec("Filtered", FILTERED, false),
                        new BucketSpec("Versioned", VERSIONED, true)));
        invoker.on("OnUpload", event -> null).on("OnCsv", event -> null).on("OnVersion", event -> null);
        var notifications = new S3Notifications(app);
        emulators = Emulators.startLocal(notifications);
        aws = AwsClients.from(Environment.of(emulators.environment()));
        for (var bucket : List.of(UPLOADS, FILTERED, VERSIONED)) {
            aws.s3().createBucket(request -> request.bucket(bucket));
        }
        aws.s3().putBucketVersioning(request -> request.bucket(VERSIONED)
                .versioningConfiguration(versioning -> versioning.status(BucketVersioningStatus.ENABLED)));
        async = new AsyncInvoker(app, invoker, aws.sqs(), FAST);
        notifications.deliverTo(async);
    }

    @AfterAll
    static void stop() {
        if (async != null) {
            async.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (emulators != null) {
            emulators.close();
        }
    }

    @BeforeEach
    @AfterEach
    void settle() throws InterruptedException {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (async.pendingEvents() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(async.pendingEvents()).isZero();
        invoker.received("OnUpload").clear();
        invoker.received("OnCsv").clear();
        invoker.received("OnVersion").clear();
    }

    private S3Client s3() {
        return aws.s3();
    }

    /** Every notification the function got for the S3 calls made so far, once they are all delivered. */
    private List<S3EventNotificationRecord> delivered(String function) throws InterruptedException {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (async.pendingEvents() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        var records = new ArrayList<S3EventNotificationRecord>();
        for (var json : List.copyOf(invoker.received(function))) {
            var event = FakeInvoker.asLambdaEvent(json, S3Event.class);
            assertThat(event.getRecords()).hasSize(1);
            records.add(event.getRecords().getFirst());
        }
        return records;
    }

    private static String unquoted(String eTag) {
        return eTag.replace("\"", "");
    }

    @Test
    void putObjectSendsOneObjectCreatedPutWithTheKeyEncodedAsS3DoesSizeAndETag() throws Exception {
        var key = "docs/my report+final ü.txt";
        var body = "quarterly numbers".getBytes(StandardCharsets.UTF_8);

        var put = s3().putObject(request -> request.bucket(UPLOADS).key(key), RequestBody.fromBytes(body));

        var records = delivered("OnUpload");
        assertThat(records).hasSize(1);
        var record = records.getFirst();
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(record.getEventVersion()).isEqualTo("2.1");
        assertThat(record.getEventSource()).isEqualTo("aws:s3");
        assertThat(record.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(record.getEventTime()).isNotNull();
        assertThat(record.getRequestParameters().getSourceIPAddress()).isEqualTo("127.0.0.1");
        assertThat(record.getResponseElements().getxAmzRequestId()).isNotBlank();
        assertThat(record.getUserIdentity().getPrincipalId()).isNotBlank();
        var s3 = record.getS3();
        assertThat(s3.getS3SchemaVersion()).isEqualTo("1.0");
        assertThat(s3.getConfigurationId()).isEqualTo("Created");
        assertThat(s3.getBucket().getName()).isEqualTo(UPLOADS);
        assertThat(s3.getBucket().getArn()).isEqualTo("arn:aws:s3:::" + UPLOADS);
        assertThat(s3.getObject().getKey()).isEqualTo("docs/my+report%2Bfinal+%C3%BC.txt");
        assertThat(s3.getObject().getUrlDecodedKey()).isEqualTo(key);
        assertThat(s3.getObject().getSizeAsLong()).isEqualTo(body.length);
        assertThat(s3.getObject().geteTag()).isEqualTo(unquoted(put.eTag()));
        var rawObject = Json.tree(List.copyOf(invoker.received("OnUpload")).getFirst()).path("Records").path(0).path("s3").path("object");
        assertThat(rawObject.has("versionId")).as("versionId on an unversioned bucket").isFalse();
        assertThat(s3.getObject().getSequencer()).matches("[0-9A-F]{18}");
    }

    @Test
    void eventTimeHasMillisecondsAndZ() throws Exception {
        s3().putObject(request -> request.bucket(UPLOADS).key("time.txt"), RequestBody.fromString("t"));

        delivered("OnUpload");
        var json = Json.tree(List.copyOf(invoker.received("OnUpload")).getFirst());
        assertThat(json.path("Records").path(0).path("eventTime").asText())
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    }

    @Test
    void multipartUploadSendsOneCompleteMultipartUpload() throws Exception {
        var key = "big file.bin";
        var firstPart = new byte[5 * 1024 * 1024];
        var lastPart = new byte[1024];
        var upload = s3().createMultipartUpload(request -> request.bucket(UPLOADS).key(key));
        var part1 = s3().uploadPart(request -> request.bucket(UPLOADS).key(key).uploadId(upload.uploadId()).partNumber(1),
                RequestBody.fromBytes(firstPart));
        var part2 = s3().uploadPart(request -> request.bucket(UPLOADS).key(key).uploadId(upload.uploadId()).partNumber(2),
                RequestBody.fromBytes(lastPart));

        var completed = s3().completeMultipartUpload(request -> request.bucket(UPLOADS).key(key).uploadId(upload.uploadId())
                .multipartUpload(parts -> parts.parts(
                        CompletedPart.builder().partNumber(1).eTag(part1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(part2.eTag()).build())));

        var records = delivered("OnUpload");
        assertThat(records).extracting(S3EventNotificationRecord::getEventName)
                .containsExactly("ObjectCreated:CompleteMultipartUpload");
        var object = records.getFirst().getS3().getObject();
        assertThat(object.getKey()).isEqualTo("big+file.bin");
        assertThat(object.getSizeAsLong()).isEqualTo(firstPart.length + lastPart.length);
        assertThat(object.geteTag()).isEqualTo(unquoted(completed.eTag())).endsWith("-2");
    }

    @Test
    void copyObjectSendsOneObjectCreatedCopyForTheDestination() throws Exception {
        s3().putObject(request -> request.bucket(UPLOADS).key("original.txt"), RequestBody.fromString("copy me"));
        settle();

        var copy = s3().copyObject(request -> request.sourceBucket(UPLOADS).sourceKey("original.txt")
                .destinationBucket(UPLOADS).destinationKey("copies/copy 1.txt"));

        var records = delivered("OnUpload");
        assertThat(records).extracting(S3EventNotificationRecord::getEventName).containsExactly("ObjectCreated:Copy");
        var object = records.getFirst().getS3().getObject();
        assertThat(object.getKey()).isEqualTo("copies/copy+1.txt");
        assertThat(object.getSizeAsLong()).isEqualTo(7);
        assertThat(object.geteTag()).isEqualTo(unquoted(copy.copyObjectResult().eTag()));
    }

    @Test
    void presignedPutSendsOneObjectCreatedPut() throws Exception {
        var presigned = aws.s3Presigner().presignPutObject(PutObjectPresignRequest.builder()
                .signatureDuration(Duration.ofMinutes(5))
                .putObjectRequest(request -> request.bucket(UPLOADS).key("from browser.txt"))
                .build());

        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(presigned.url().toURI())
                .PUT(HttpRequest.BodyPublishers.ofString("uploaded with a presigned URL")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        var records = delivered("OnUpload");
        assertThat(records).extracting(S3EventNotificationRecord::getEventName).containsExactly("ObjectCreated:Put");
        assertThat(records.getFirst().getS3().getObject().getKey()).isEqualTo("from+browser.txt");
        assertThat(records.getFirst().getS3().getObject().getSizeAsLong()).isEqualTo(29);
    }

    @Test
    void prefixSuffixAndEventTypeFiltersSelectWhatTheFunctionGets() throws Exception {
        s3().putObject(request -> request.bucket(FILTERED).key("incoming/a.csv"), RequestBody.fromString("1"));
        s3().putObject(request -> request.bucket(FILTERED).key("incoming/a.txt"), RequestBody.fromString("2"));
        s3().putObject(request -> request.bucket(FILTERED).key("other/a.csv"), RequestBody.fromString("3"));
        // A copy is ObjectCreated:Copy, which an ObjectCreated:Put subscription does not get.
        s3().copyObject(request -> request.sourceBucket(FILTERED).sourceKey("incoming/a.csv")
                .destinationBucket(FILTERED).destinationKey("incoming/b.csv"));

        var records = delivered("OnCsv");
        assertThat(records).extracting(record -> record.getS3().getObject().getKey()).containsExactly("incoming/a.csv");
        assertThat(delivered("OnUpload")).isEmpty();
    }

    @Test
    void versionedBucketReportsVersionIdsIncreasingSequencersAndDeleteMarkers() throws Exception {
        var first = s3().putObject(request -> request.bucket(VERSIONED).key("report.txt"), RequestBody.fromString("v1"));
        var firstRecord = delivered("OnVersion").getLast();
        var second = s3().putObject(request -> request.bucket(VERSIONED).key("report.txt"), RequestBody.fromString("v2"));
        var secondRecord = delivered("OnVersion").getLast();

        s3().deleteObject(request -> request.bucket(VERSIONED).key("report.txt"));

        var records = delivered("OnVersion");
        assertThat(records).extracting(S3EventNotificationRecord::getEventName)
                .containsExactly("ObjectCreated:Put", "ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated");
        assertThat(firstRecord.getS3().getObject().getVersionId()).isEqualTo(first.versionId()).isNotBlank();
        assertThat(secondRecord.getS3().getObject().getVersionId()).isEqualTo(second.versionId()).isNotBlank();
        assertThat(secondRecord.getS3().getObject().getSequencer())
                .isGreaterThan(firstRecord.getS3().getObject().getSequencer());
        var marker = records.getLast().getS3().getObject();
        assertThat(marker.getKey()).isEqualTo("report.txt");
        assertThat(marker.getVersionId()).isNotBlank().isNotEqualTo(second.versionId());
        assertThat(marker.getSequencer()).isGreaterThan(secondRecord.getS3().getObject().getSequencer());
    }

    @Test
    void changesToBucketsWithoutSubscriptionsAreIgnored() throws Exception {
        var other = EmulatorsExtension.uniqueName("unwatched");
        s3().createBucket(request -> request.bucket(other));

        s3().putObject(request -> request.bucket(other).key("x"), RequestBody.fromString("x"));

        assertThat(async.pendingEvents()).isZero();
        assertThat(delivered("OnUpload")).isEmpty();
    }
}
