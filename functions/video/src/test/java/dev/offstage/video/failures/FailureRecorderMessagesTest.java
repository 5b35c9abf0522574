package dev.offstage.video.failures;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.shared.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the failures queue's reader makes of Lambda's invocation records (found by VideoMessageParsersFuzzTest). */
class FailureRecorderMessagesTest {

    private static SQSEvent.SQSMessage invocationRecordFor(String key) throws IOException {
        var s3Event = (ObjectNode) Json.tree(Files.readString(Path.of("events/video-s3-upload.json")));
        ((ObjectNode) s3Event.get("Records").get(0).get("s3").get("object")).put("key", key);
        var record = Json.mapper().createObjectNode();
        record.putObject("requestContext").put("condition", "RetriesExhausted").put("approximateInvokeCount", 3);
        record.set("requestPayload", s3Event);
        var message = new SQSEvent.SQSMessage();
        message.setMessageId("m-1");
        message.setBody(Json.write(record));
        return message;
    }

    @Test
    void invocationRecordWithAnUndecodableKeyNamesNoVideoInsteadOfThrowing() throws IOException {
        assertThat(FailureRecorder.failures(invocationRecordFor("uploads/%zz%.mp4"))).isEmpty();
    }

    @Test
    void invocationRecordWithAnEncodedKeyNamesItsVideo() throws IOException {
        assertThat(FailureRecorder.failures(invocationRecordFor("uploads/holiday+clip%21.mp4")))
                .singleElement().satisfies(failure -> assertThat(failure.upload().orElseThrow().key()).isEqualTo("uploads/holiday clip!.mp4"));
    }
}
