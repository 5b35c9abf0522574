package dev.offstage.video.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.video.media.MediaInfo;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.Upload;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/** Notices sent to an ElasticMQ queue, received and read back as the application would. */
@ExtendWith(EmulatorsExtension.class)
class VideoNotificationsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final Upload UPLOAD = new Upload("offstage-video-uploads", "uploads/holiday-clip.mp4",
            Optional.of("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"), "0055AED6DCD90281E5", 48_213_377L, "etag");
    private static final MediaInfo MEDIA = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 187.433333, 48_213_377L, 2_057_812L,
            Optional.of(new MediaInfo.Video("h264", 1920, 1080, 0, 25, "yuv420p")), Optional.empty(), 1);

    private final AwsClients aws;
    private final String queueUrl;
    private final VideoNotifications notifications;

    VideoNotificationsTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        this.queueUrl = aws.sqs().createQueue(create -> create.queueName(EmulatorsExtension.uniqueName("notifications"))).queueUrl();
        this.notifications = new VideoNotifications(aws.sqs(), queueUrl);
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private static VideoRecord record(VideoStatus status, List<StoredRendition> renditions, Optional<String> poster,
            Optional<String> reason, Optional<MediaInfo> metadata, Optional<String> correlationId) {
        return new VideoRecord(UPLOAD.videoId(), status, UPLOAD, metadata, renditions, poster, reason, 1, NOW, NOW, 0,
                Set.of(), false, correlationId);
    }

    private Message receive() {
        var messages = aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }

    @Test
    void readyNoticeArrivesWithItsAttributesAndParsesBack() {
        var renditions = List.of(
                new StoredRendition("1080p", "videos/v/1080p.mp4", 1920, 1080, 187.4, 120_000_123L, "h264", "aac"),
                new StoredRendition("720p", "videos/v/720p.mp4", 1280, 720, 187.433333, 60_000_000L, "h264", null));
        var notice = VideoNotice.of(record(VideoStatus.READY, renditions, Optional.of("videos/v/poster.jpg"), Optional.empty(),
                Optional.of(MEDIA), Optional.of("corr-7")));

        notifications.send(notice);

        var message = receive();
        assertThat(message.messageAttributes().get("type").stringValue()).isEqualTo("video.ready");
        assertThat(message.messageAttributes().get("correlationId").stringValue()).isEqualTo("corr-7");
        assertThat(VideoNotifications.parse(message.body())).isEqualTo(notice);
        assertThat(notice.durationSeconds()).contains(187.433333);
    }

    @Test
    void failedNoticeOmitsWhatItDoesNotHave() {
        var notice = VideoNotice.of(new VideoRecord(UPLOAD.videoId(), VideoStatus.FAILED,
                new Upload(UPLOAD.bucket(), UPLOAD.key(), Optional.empty(), UPLOAD.sequencer(), 0, "etag"),
                Optional.empty(), List.of(), Optional.empty(), Optional.of("empty file: 0 bytes"), 1, NOW, NOW, 0, Set.of(),
                false, Optional.empty()));

        notifications.send(notice);

        var message = receive();
        var json = Json.tree(message.body());
        assertThat(json.get("type").asText()).isEqualTo("video.failed");
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("reason").asText()).isEqualTo("empty file: 0 bytes");
        assertThat(json.get("renditions").isEmpty()).isTrue();
        // Absent is absent: no field at all, never null.
        assertThat(json.has("versionId")).isFalse();
        assertThat(json.has("posterKey")).isFalse();
        assertThat(json.has("durationSeconds")).isFalse();
        assertThat(message.body()).doesNotContain("null");
        // Without a correlation id of its own, the video id follows the work.
        assertThat(message.messageAttributes().get("correlationId").stringValue()).isEqualTo(UPLOAD.videoId());
        assertThat(VideoNotifications.parse(message.body())).isEqualTo(notice);
    }

    @Test
    void processingVideoHasNoNotice() {
        assertThatThrownBy(() -> VideoNotice.of(record(VideoStatus.PROCESSING, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodyThatIsNoNoticeIsRefusedSayingWhy() {
        assertThatThrownBy(() -> VideoNotifications.parse("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> VideoNotifications.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VideoNotifications.parse("{\"type\":\"video.ready\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("videoId");
        assertThatThrownBy(() -> VideoNotifications.parse("""
                {"type":"video.ready","videoId":"v","status":"DONE","bucket":"b","key":"k","renditions":[],"correlationId":"c"}
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown status");
    }
}
