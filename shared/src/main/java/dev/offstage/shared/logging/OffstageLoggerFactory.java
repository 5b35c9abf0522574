package dev.offstage.shared.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link OffstageLogger} per name, all writing through the same {@link LineWriter}. Thread-safe. */
final class OffstageLoggerFactory implements ILoggerFactory {

    private final LineWriter writer;
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    OffstageLoggerFactory(LineWriter writer) {
        this.writer = writer;
    }

    @Override
    public Logger getLogger(String name) {
        var logger = loggers.get(name);
        if (logger != null) {
            return logger;
        }
        // putIfAbsent rather than computeIfAbsent(name, lambda): no lambda bootstrap on the first line.
        var created = new OffstageLogger(name, writer);
        var raced = loggers.putIfAbsent(name, created);
        return raced != null ? raced : created;
    }
}
