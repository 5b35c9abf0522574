package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A handler that remembers which messages it saw, in order, and throws for the ones it is told to. */
final class ScriptedHandler implements RecordHandler {

    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final Map<String, Supplier<Throwable>> failures = new ConcurrentHashMap<>();

    /** Fails the given messages with an {@link IllegalStateException}. */
    static ScriptedHandler failing(String... messageIds) {
        var handler = new ScriptedHandler();
        for (var id : messageIds) {
            handler.fail(id, () -> new IllegalStateException("scripted failure of " + id));
        }
        return handler;
    }

    /** Fails {@code messageId} with what {@code error} makes (checked exceptions and errors too). */
    ScriptedHandler fail(String messageId, Supplier<Throwable> error) {
        failures.put(messageId, error);
        return this;
    }

    /** Ids of the messages the handler was called with, in call order. */
    List<String> handled() {
        return List.copyOf(handled);
    }

    @Override
    public void handle(SQSMessage message) throws Exception {
        handled.add(message.getMessageId());
        var failure = failures.get(message.getMessageId());
        if (failure != null) {
            switch (failure.get()) {
                case Exception e -> throw e;
                case Error e -> throw e;
                case Throwable t -> throw new AssertionError("unexpected throwable", t);
            }
        }
    }
}
