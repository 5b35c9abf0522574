package dev.offstage.local.triggers;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Invoker} that runs plain Java lambdas on the event JSON, in place of function JVMs.
 * A handler's return value becomes the response payload (serialised as JSON; a {@code byte[]}
 * is taken as the payload itself, an {@link Invocation} as the whole outcome); an exception
 * becomes a {@code FUNCTION_ERROR} with the runtime's error document. Every event is recorded.
 */
final class FakeInvoker implements Invoker {

    /** A function's logic: the event JSON in, the response out. */
    @FunctionalInterface
    interface Handler {
        Object handle(String eventJson) throws Exception;
    }

    private static final Map<Class<?>, PojoSerializer<?>> SERIALIZERS = new ConcurrentHashMap<>();

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<String>> events = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<String>> requestIds = new ConcurrentHashMap<>();

    FakeInvoker on(String functionLogicalId, Handler handler) {
        handlers.put(functionLogicalId, handler);
        return this;
    }

    @Override
    public Invocation invoke(String functionLogicalId, byte[] eventJson) {
        var handler = handlers.get(functionLogicalId);
        if (handler == null) {
            throw new IllegalArgumentException("No function " + functionLogicalId);
        }
        var event = new String(eventJson, StandardCharsets.UTF_8);
        received(functionLogicalId).add(event);
        try {
            var result = handler.handle(event);
            return switch (result) {
                case Invocation invocation -> invocation;
                case byte[] payload -> success(payload, Duration.ofMillis(1));
                case null -> success("null".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(1));
                default -> success(Json.write(result).getBytes(StandardCharsets.UTF_8), Duration.ofMillis(1));
            };
        } catch (Exception e) {
            var error = Json.write(Map.of("errorMessage", String.valueOf(e.getMessage()),
                    "errorType", e.getClass().getName(), "stackTrace", List.of()));
            return failure(Invocation.Outcome.FUNCTION_ERROR, e.getClass().getName(),
                    String.valueOf(e.getMessage()), error.getBytes(StandardCharsets.UTF_8), Duration.ofMillis(1));
        }
    }

    /** Records the request id the caller chose, then runs the handler as {@link #invoke(String, byte[])} does. */
    @Override
    public Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger, String requestId) {
        requestIds.computeIfAbsent(functionLogicalId, id -> new LinkedBlockingQueue<>()).add(requestId);
        return invoke(functionLogicalId, eventJson);
    }

    /** The request ids callers chose for the function's invocations so far, in order. */
    List<String> requestIds(String functionLogicalId) {
        return List.copyOf(requestIds.getOrDefault(functionLogicalId, new LinkedBlockingQueue<>()));
    }

    /** The events the function received so far, in order (a live queue). */
    BlockingQueue<String> received(String functionLogicalId) {
        return events.computeIfAbsent(functionLogicalId, id -> new LinkedBlockingQueue<>());
    }

    /** The next event the function receives, waiting up to {@code timeout}. */
    String next(String functionLogicalId, Duration timeout) throws InterruptedException {
        var event = received(functionLogicalId).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError(functionLogicalId + " received no event within " + timeout);
        }
        return event;
    }

    /** The event JSON read into Lambda's event class by the runtime's own serializers, as the RIC reads it. */
    @SuppressWarnings("unchecked")
    static <T> T asLambdaEvent(String eventJson, Class<T> type) {
        // Building a serializer takes a while the first time: tests with short visibility timeouts must not wait on it.
        var serializer = (PojoSerializer<T>) SERIALIZERS.computeIfAbsent(type,
                eventType -> LambdaEventSerializers.serializerFor(eventType, FakeInvoker.class.getClassLoader()));
        return serializer.fromJson(eventJson);
    }

    static Invocation throttled() {
        return failure(Invocation.Outcome.THROTTLED, "TooManyRequestsException", "Rate Exceeded.",
                new byte[0], Duration.ZERO);
    }

    static Invocation success(byte[] payload, Duration duration) {
        return new Invocation("fake", "fake-request", Invocation.Outcome.SUCCESS, payload, "", "", List.of(), duration);
    }

    static Invocation failure(Invocation.Outcome outcome, String errorType, String errorMessage, byte[] payload,
            Duration duration) {
        return new Invocation("fake", "fake-request", outcome, payload, errorType, errorMessage, List.of(), duration);
    }
}
