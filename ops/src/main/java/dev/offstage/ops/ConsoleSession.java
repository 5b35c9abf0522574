package dev.offstage.ops;

import java.util.List;
import java.util.Objects;

/**
 * An {@link OpsConsole} on a target, with the clients it holds: close it when done.
 *
 * @param target    what it looks at, for people: "stack offstage (eu-west-1)" or "local runtime (...)"
 * @param console   the console
 * @param resources closed in order by {@link #close()}
 */
public record ConsoleSession(String target, OpsConsole console, List<AutoCloseable> resources) implements AutoCloseable {

    public ConsoleSession {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(console, "console");
        resources = List.copyOf(resources);
    }

    @Override
    public void close() {
        for (var resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // Closing clients at exit: nothing worth reporting over the command's own outcome.
            }
        }
    }
}
