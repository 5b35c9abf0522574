package dev.offstage.video.failures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.offstage.testing.fuzz.Fuzz;
import dev.offstage.testing.fuzz.Gen;
import dev.offstage.testing.fuzz.HostileBody;
import dev.offstage.testing.fuzz.HostileJson;
import dev.offstage.video.segments.AssemblyMessage;
import dev.offstage.video.segments.SegmentMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The video queues' message parsers fed hostile bodies ({@link Fuzz}): a segment or assembly
 * message parses or is refused with the {@link IllegalArgumentException} its consumer treats as
 * permanent; the failures queue's reader never throws for any body (a message of no known shape
 * is dropped, not retried forever).
 */
@Tag("fuzz")
class VideoMessageParsersFuzzTest {

    private static final String SEGMENT = body("events/video-sqs-segment.json");
    private static final String ASSEMBLY = body("events/video-sqs-assemble.json");
    /** Lambda's record of an asynchronous invocation of the transcoder that failed every attempt. */
    private static final String INVOCATION_RECORD = """
            {"version":"1.0","timestamp":"2026-11-27T08:00:00.000Z",
             "requestContext":{"requestId":"e3b0c442","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:transcoder:$LATEST",
                               "condition":"RetriesExhausted","approximateInvokeCount":3},
             "requestPayload":%s,
             "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
             "responsePayload":{"errorMessage":"ffmpeg failed","errorType":"RuntimeException"}}
            """.formatted(read("events/video-s3-upload.json"));

    private static String body(String file) {
        return EventLoader.loadSQSEvent(file).getRecords().getFirst().getBody();
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Gen<HostileBody> hostile(String sample) {
        return Gen.oneOf(HostileJson.variantsOf(sample), HostileJson::randomBytes);
    }

    private static void parsesOrIsRefused(Consumer<String> parse, String body) {
        var outcome = catchThrowable(() -> parse.accept(body));

        assertThat(outcome).as("the parser's answer").satisfiesAnyOf(
                thrown -> assertThat(thrown).isNull(),
                thrown -> assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class));
    }

    @Test
    void segmentMessagesParseOrAreRefusedAsPermanent() {
        Fuzz.forAll("segment message", hostile(SEGMENT), body -> parsesOrIsRefused(SegmentMessage::parse, body.text()));
    }

    @Test
    void assemblyMessagesParseOrAreRefusedAsPermanent() {
        Fuzz.forAll("assembly message", hostile(ASSEMBLY), body -> parsesOrIsRefused(AssemblyMessage::parse, body.text()));
    }

    @Test
    void failuresQueueReadsAnyBodyWithoutThrowing() {
        var bodies = Gen.oneOf(hostile(SEGMENT), hostile(ASSEMBLY), hostile(INVOCATION_RECORD), hostile(INVOCATION_RECORD));

        Fuzz.forAll("failures queue message", bodies, body -> {
            var message = new SQSEvent.SQSMessage();
            message.setMessageId("fuzz");
            message.setBody(body.text());

            assertThat(FailureRecorder.failures(message)).allSatisfy(failure -> assertThat(failure.videoId()).isNotBlank());
        });
    }
}
