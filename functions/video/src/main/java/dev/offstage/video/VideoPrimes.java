package dev.offstage.video;

import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Primes;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.segments.AssemblyMessage;
import dev.offstage.video.segments.SegmentMessage;
import dev.offstage.video.store.VideoStore;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each video function's first message does, done once before a SnapStart snapshot (see
 * {@link dev.offstage.shared.priming.Priming}): its trigger's JSON, its message formats, a lookup
 * of a video that does not exist, an empty batch to the queue it sends to, a HEAD of a missing
 * work file, a conditional update that cannot hold. No ffmpeg run, no write.
 *
 * <p>Of these functions only the failure recorder has SnapStart in template.yaml; the others need
 * more /tmp than SnapStart allows ({@code ApplyOn: None}), so nothing calls their hooks there.
 * They register all the same: cheap, and ready if that changes.
 */
public final class VideoPrimes {

    static final String SAMPLE_SEGMENT = """
            {"videoId":"offstage-priming-absent","index":0,"count":2,"sourceKey":"work/offstage-priming-absent/source/00000.mkv",
            "rotation":0,"renditions":[{"name":"720p","width":1280,"height":720,"videoKbps":2800,"audioKbps":128}],
            "correlationId":"offstage-priming-absent"}
            """;

    static final String SAMPLE_ASSEMBLY = """
            {"videoId":"offstage-priming-absent","renditions":[{"name":"720p","width":1280,"height":720,"videoKbps":2800,"audioKbps":128}],
            "correlationId":"offstage-priming-absent"}
            """;

    private VideoPrimes() {
    }

    /** The failures queue's consumer: both message formats it tells apart, a video lookup, the notifications queue. */
    public static List<Prime> failureRecorder(VideoSetup setup) {
        return List.of(Primes.sqsTrigger(), segmentMessage(), assemblyMessage(), videoLookup(setup), rejectedUpdate(setup),
                Primes.sqsSend(setup.aws().sqs(), setup.environment().require(VideoNotifications.QUEUE_URL_VARIABLE)));
    }

    public static List<Prime> segmentWorker(VideoSetup setup) {
        return List.of(Primes.sqsTrigger(), segmentMessage(), videoLookup(setup), workFile(setup),
                Primes.sqsSend(setup.aws().sqs(), setup.environment().require(VideoSetup.ASSEMBLY_QUEUE_URL)));
    }

    public static List<Prime> assembler(VideoSetup setup) {
        return List.of(Primes.sqsTrigger(), assemblyMessage(), videoLookup(setup), workFile(setup),
                Primes.sqsSend(setup.aws().sqs(), setup.environment().require(VideoNotifications.QUEUE_URL_VARIABLE)));
    }

    public static List<Prime> transcoder(VideoSetup setup) {
        return List.of(Primes.s3Trigger(), videoLookup(setup),
                Primes.sqsSend(setup.aws().sqs(), setup.environment().require(VideoSetup.SEGMENTS_QUEUE_URL)));
    }

    /** A conditional update DynamoDB rejects: the path of every status change, without one. */
    private static Prime rejectedUpdate(VideoSetup setup) {
        return Primes.dynamoDbRejectedUpdate(setup.aws().dynamoDb(), setup.environment().require(VideoStore.TABLE_VARIABLE),
                Map.of("id", AttributeValue.fromS(Primes.ABSENT_KEY)));
    }

    private static Prime segmentMessage() {
        return Prime.of("segment message JSON", () -> SegmentMessage.parse(SAMPLE_SEGMENT));
    }

    private static Prime assemblyMessage() {
        return Prime.of("assembly message JSON", () -> AssemblyMessage.parse(SAMPLE_ASSEMBLY));
    }

    private static Prime videoLookup(VideoSetup setup) {
        var store = setup.store();
        return Prime.of("video lookup", () -> store.get(Primes.ABSENT_KEY));
    }

    /** A HEAD under work/, where these functions may read. */
    private static Prime workFile(VideoSetup setup) {
        return Primes.s3Head(setup.aws().s3(), setup.files().outputsBucket(), "work/" + Primes.ABSENT_KEY);
    }
}
