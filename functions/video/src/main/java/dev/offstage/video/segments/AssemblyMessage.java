package dev.offstage.video.segments;

import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.video.media.Rendition;
import java.util.List;

/** Asks the assembler to stitch a video whose segments are all done. */
public record AssemblyMessage(String videoId, List<Rendition> renditions, String correlationId) {

    /**
     * Reads and checks a message body.
     *
     * @throws IllegalArgumentException when it is not an assembly message (retrying cannot fix it)
     */
    public static AssemblyMessage parse(String body) {
        AssemblyMessage message;
        try {
            message = Json.read(body == null ? "" : body, AssemblyMessage.class);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException("Assembly message is not JSON of the expected shape: " + e.getMessage(), e);
        }
        if (message == null) {
            throw new IllegalArgumentException("Assembly message is empty");
        }
        SegmentMessage.checkVideoId(message.videoId());
        SegmentMessage.checkRenditions(message.renditions());
        return message;
    }
}
