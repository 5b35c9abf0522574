package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.EventSource;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.S3ObjectChange;
import dev.offstage.testing.S3ObjectListener;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 event notifications for the template's {@code Type: S3} events: hears every object change
 * of the local S3 emulator ({@link Emulators#startLocal(S3ObjectListener)}) and delivers the S3
 * event — {@code Records[]} with event version 2.1, {@code eventName} such as
 * {@code ObjectCreated:Put}, the key URL-encoded as S3 encodes it, size, entity tag, version id
 * on versioned buckets and a {@code sequencer} that increases per key — to every function whose
 * event matches the bucket, the event type pattern ({@code s3:ObjectCreated:*}) and the key's
 * prefix and suffix filter.
 *
 * <p>Delivery is asynchronous, as S3 invokes Lambda: the S3 request never waits for a function,
 * and failures are retried by the {@link AsyncInvoker}. Changes heard before
 * {@link #deliverTo(AsyncInvoker)} (while the runtime is starting) are not delivered.
 * Thread-safe.
 */
public final class S3Notifications implements S3ObjectListener {

    private static final Logger LOG = LoggerFactory.getLogger(S3Notifications.class);
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Who S3 names as the requester and the bucket owner: the emulators have one identity. */
    private static final String PRINCIPAL_ID = "AWS:AIDAOFFSTAGELOCAL";
    private static final String OWNER_ID = "OFFSTAGELOCAL";
    /** Every client of the emulator is on this machine. */
    private static final String SOURCE_IP = "127.0.0.1";

    /** One {@code Type: S3} event of a function, on a bucket by its local name. */
    private record Subscription(String functionLogicalId, EventSource.S3 event) {}

    private final Map<String, List<Subscription>> subscriptionsByBucket;
    private final AtomicReference<AsyncInvoker> delivery = new AtomicReference<>();
    /** S3's sequencer is a hexadecimal string that orders the events of a key; one increasing counter orders them all. */
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    /**
     * @throws IllegalArgumentException when an S3 event names a bucket the application does not declare
     */
    public S3Notifications(Application application) {
        var byBucket = new HashMap<String, List<Subscription>>();
        for (var function : application.functions().values()) {
            for (var event : function.events()) {
                if (event instanceof EventSource.S3 s3) {
                    var bucket = application.buckets().get(s3.bucketLogicalId());
                    if (bucket == null) {
                        throw new IllegalArgumentException("Function " + function.logicalId() + ": S3 event " + s3.name()
                                + " names bucket " + s3.bucketLogicalId() + ", which the template does not declare");
                    }
                    byBucket.computeIfAbsent(bucket.name(), name -> new ArrayList<>())
                            .add(new Subscription(function.logicalId(), s3));
                }
            }
        }
        byBucket.replaceAll((bucket, subscriptions) -> List.copyOf(subscriptions));
        this.subscriptionsByBucket = Map.copyOf(byBucket);
    }

    /** Starts delivering notifications through {@code invoker}. Call once, when the runtime is ready. */
    public void deliverTo(AsyncInvoker invoker) {
        if (!delivery.compareAndSet(null, invoker)) {
            throw new IllegalStateException("S3 notifications are already being delivered");
        }
    }

    /** Called by the S3 emulator after each change; queues the matching notifications and returns. */
    @Override
    public void changed(S3ObjectChange change) {
        var subscriptions = subscriptionsByBucket.getOrDefault(change.bucket(), List.of());
        if (subscriptions.isEmpty()) {
            return;
        }
        var invoker = delivery.get();
        if (invoker == null) {
            LOG.debug("Not delivering {} of s3://{}/{}: the runtime is not ready yet", change.operation(),
                    change.bucket(), change.key());
            return;
        }
        var eventName = eventName(change.operation());
        // Fixed width, so that comparing the strings compares the numbers.
        var sequence = "%018X".formatted(sequencer.incrementAndGet());
        for (var subscription : subscriptions) {
            var filter = subscription.event();
            if (matchesEventType(filter.events(), eventName) && change.key().startsWith(filter.prefix())
                    && change.key().endsWith(filter.suffix())) {
                var event = Json.write(event(change, eventName, filter.name(), sequence)).getBytes(StandardCharsets.UTF_8);
                invoker.invoke(subscription.functionLogicalId(), event, "s3:" + change.bucket() + " " + eventName);
            }
        }
    }

    /** The S3 event for one change, as S3 sends it to one notification configuration. */
    static ObjectNode event(S3ObjectChange change, String eventName, String configurationId, String sequencer) {
        var event = NODES.objectNode();
        var record = event.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", Emulators.REGION);
        record.put("eventTime", EVENT_TIME.format(change.time()));
        record.put("eventName", eventName);
        record.putObject("userIdentity").put("principalId", PRINCIPAL_ID);
        record.putObject("requestParameters").put("sourceIPAddress", SOURCE_IP);
        var response = record.putObject("responseElements");
        response.put("x-amz-request-id", randomHex(8));
        response.put("x-amz-id-2", randomBase64(48));
        var s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", configurationId);
        var bucket = s3.putObject("bucket");
        bucket.put("name", change.bucket());
        bucket.putObject("ownerIdentity").put("principalId", OWNER_ID);
        bucket.put("arn", "arn:aws:s3:::" + change.bucket());
        var object = s3.putObject("object");
        object.put("key", encodeKey(change.key()));
        if (eventName.startsWith("ObjectCreated:")) {
            object.put("size", change.size());
            object.put("eTag", change.eTag());
        }
        change.versionId().ifPresent(versionId -> object.put("versionId", versionId));
        object.put("sequencer", sequencer);
        return event;
    }

    static String eventName(S3ObjectChange.Operation operation) {
        return switch (operation) {
            case PUT -> "ObjectCreated:Put";
            case POST -> "ObjectCreated:Post";
            case COPY -> "ObjectCreated:Copy";
            case COMPLETE_MULTIPART_UPLOAD -> "ObjectCreated:CompleteMultipartUpload";
            case DELETE -> "ObjectRemoved:Delete";
            case DELETE_MARKER_CREATED -> "ObjectRemoved:DeleteMarkerCreated";
        };
    }

    /** {@code s3:ObjectCreated:*} matches every {@code ObjectCreated:…} event; other patterns match one event type. */
    static boolean matchesEventType(List<String> patterns, String eventName) {
        for (var pattern : patterns) {
            var type = pattern.startsWith("s3:") ? pattern.substring(3) : pattern;
            if (type.endsWith(":*") ? eventName.startsWith(type.substring(0, type.length() - 1)) : type.equals(eventName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key as S3 writes it into events: form-encoded (a space becomes {@code +}, a {@code +}
     * becomes {@code %2B}, other characters percent-encoded UTF-8) except {@code /}, which stays.
     * Public for tests that build S3 events themselves.
     */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static String randomHex(int bytes) {
        var random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random);
    }

    private static String randomBase64(int bytes) {
        var random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
