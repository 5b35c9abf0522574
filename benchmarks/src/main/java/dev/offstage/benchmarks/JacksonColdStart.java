package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.offstage.posts.analytics.HourCount;
import dev.offstage.posts.index.SearchHit;
import dev.offstage.shared.json.Json;
import dev.offstage.video.segments.SegmentMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fresh JVM's first JSON work, as an SQS-triggered function and an API function pay it:
 * <ol>
 *   <li><b>event</b>: the runtime interface client's serializer (aws-lambda-java-serialization,
 *       its own shaded Jackson) reads {@code events/video-sqs-segment.json} into an
 *       {@link SQSEvent} — what the RIC does before a {@code RequestHandler<SQSEvent, …>} runs,
 *       whatever Offstage's mapper is;</li>
 *   <li><b>body</b>: the variant's mapper reads the message body into {@link SegmentMessage} (a
 *       record with a list of records), as {@code SegmentMessage.parse} does;</li>
 *   <li><b>answer</b>: the variant's mapper writes an API answer: the map {@code SearchApi} builds
 *       (10 {@link SearchHit}s) and, where the variant can write {@code java.time}, the analytics
 *       API's {@link HourCount}s (an {@link Instant} each).</li>
 * </ol>
 * Variants: {@code none} (reads the file, no JSON: the floor), {@code ric} (the event only),
 * {@code current} (Offstage's {@link Json}), {@code plain} ({@code new ObjectMapper()}: no
 * {@code java.time}, fails on unknown properties), {@code builder} ({@code JsonMapper.builder()}
 * with Offstage's two features and no module: what {@code JavaTimeModule} costs),
 * {@code builder-time} (Offstage's configuration built inline, as a check on {@code current}),
 * {@code own-event} (like {@code current}, but the toolkit's mapper reads the SQS event into a
 * record of its own instead of the RIC's serializer: what a {@code RequestStreamHandler} would pay).
 *
 * <p>Prints {@code event body answer total} in microseconds from the start of {@code main} (0 for
 * a stage the variant skips). {@code scripts/bench-jackson} runs it in fresh JVMs with Lambda's flags.
 */
public final class JacksonColdStart {

    private JacksonColdStart() {}

    public static void main(String[] args) throws Exception {
        var started = System.nanoTime();
        var variant = args[0];
        var eventBytes = Files.readAllBytes(Path.of(args.length > 1 ? args[1] : "events/video-sqs-segment.json"));
        if (variant.equals("none")) {
            System.out.println("0 0 0 " + micros(started));
            return;
        }

        var stage = System.nanoTime();
        String body;
        if (variant.equals("own-event")) {
            // What a RequestStreamHandler would do: the toolkit's mapper reads the event too, so
            // the RIC's serializer (and its shaded Jackson) is never loaded.
            body = Json.read(eventBytes, SqsMessages.class).records().getFirst().body();
        } else {
            SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, JacksonColdStart.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(eventBytes));
            body = event.getRecords().getFirst().getBody();
        }
        var eventMicros = micros(stage);
        if (variant.equals("ric")) {
            System.out.println(eventMicros + " 0 0 " + micros(started));
            return;
        }

        stage = System.nanoTime();
        SegmentMessage message;
        ObjectMapper mapper = null;
        if (variant.equals("current") || variant.equals("own-event")) {
            message = Json.read(body, SegmentMessage.class);
        } else {
            mapper = switch (variant) {
                case "plain" -> new ObjectMapper();
                case "builder" -> JsonMapper.builder()
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .build();
                case "builder-time" -> JsonMapper.builder()
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .addModule(new JavaTimeModule())
                        .build();
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            };
            message = mapper.readValue(body, SegmentMessage.class);
        }
        var bodyMicros = micros(stage);

        stage = System.nanoTime();
        var answer = new LinkedHashMap<String, Object>();
        answer.put("query", message.videoId());
        answer.put("hits", List.of(
                new SearchHit("p-2001", 3.25, "Finally finished restoring the old lighthouse keeper's logbook"),
                new SearchHit("p-2002", 2.5, "The entries about the winter storms are incredible"),
                new SearchHit("p-2003", 1.75, "Next weekend we're visiting the archive in Plymouth")));
        answer.put("nextCursor", "eyJvZmZzZXQiOjEwfQ");
        var writesTime = !variant.equals("plain") && !variant.equals("builder");
        if (writesTime) {
            answer.put("hours", List.of(new HourCount(Instant.parse("2026-11-27T09:00:00Z"), 12)));
        }
        var json = variant.equals("current") || variant.equals("own-event") ? Json.write(answer) : mapper.writeValueAsString(answer);
        var answerMicros = micros(stage);
        if (!json.contains("\"p-2003\"") || (writesTime && !json.contains("\"2026-11-27T09:00:00Z\""))) {
            throw new IllegalStateException("Unexpected answer: " + json);
        }
        System.out.println(eventMicros + " " + bodyMicros + " " + answerMicros + " " + micros(started));
    }

    /** The part of an SQS event a consumer reads, for the {@code own-event} variant. */
    record SqsMessages(@JsonProperty("Records") List<SqsMessage> records) {}

    record SqsMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                      String eventSourceARN) {}

    private static long micros(long since) {
        return (System.nanoTime() - since) / 1_000;
    }
}
