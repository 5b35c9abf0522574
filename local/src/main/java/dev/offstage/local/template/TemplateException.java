package dev.offstage.local.template;

import java.nio.file.Path;
import java.util.List;

/**
 * A template the local runtime cannot run as written. Each problem names the resource (or
 * section) and property where it sits, and what is wrong; the message starts with the template's
 * path. Startup stops on it: nothing is provisioned or started.
 *
 * <p>Messages never contain the value of a {@code NoEcho} parameter.
 */
public final class TemplateException extends RuntimeException {

    private final Path template;
    private final List<String> problems;

    TemplateException(String problem) {
        this(null, List.of(problem));
    }

    TemplateException(Path template, List<String> problems) {
        super(message(template, problems));
        this.template = template;
        this.problems = List.copyOf(problems);
    }

    /** This problem set, attributed to {@code file}. */
    TemplateException in(Path file) {
        return new TemplateException(file, problems);
    }

    /** The template file, or {@code null} when the problem was found before a file was known. */
    public Path template() {
        return template;
    }

    /** The problems, one sentence each, in template order. */
    public List<String> problems() {
        return problems;
    }

    private static String message(Path template, List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TemplateException needs at least one problem");
        }
        var where = template == null ? "" : template + ": ";
        if (problems.size() == 1) {
            return where + problems.getFirst();
        }
        var text = new StringBuilder(where + problems.size() + " problems:");
        problems.forEach(problem -> text.append("\n  - ").append(problem));
        return text.toString();
    }
}
