package dev.offstage.ci.github;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A repository on GitHub, {@code owner/name}. Both parts hold only what GitHub allows in them
 * (ASCII letters, digits, {@code -}, {@code _}, {@code .}; never {@code .} or {@code ..} alone), so
 * they go into API paths as they are: this validation is the guard against path injection.
 *
 * <p>Compared as written; GitHub itself treats names case-insensitively.
 *
 * @throws IllegalArgumentException from the constructor when a part is not a valid name
 */
public record GitHubRepository(String owner, String name) {

    /** GitHub's limit for repository names; owners (at most 39 characters) fit it too. */
    private static final int MAX_LENGTH = 100;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    public GitHubRepository {
        check("owner", owner);
        check("name", name);
    }

    /**
     * Reads {@code owner/name}, as in a webhook's {@code repository.full_name}.
     *
     * @throws IllegalArgumentException when the text is not two valid names around one {@code /}
     */
    public static GitHubRepository parse(String fullName) {
        Objects.requireNonNull(fullName, "fullName");
        int slash = fullName.indexOf('/');
        if (slash < 0 || slash != fullName.lastIndexOf('/')) {
            throw new IllegalArgumentException("A GitHub repository is written owner/name, got " + quoted(fullName));
        }
        return new GitHubRepository(fullName.substring(0, slash), fullName.substring(slash + 1));
    }

    /** {@code owner/name}. */
    public String fullName() {
        return owner + "/" + name;
    }

    @Override
    public String toString() {
        return fullName();
    }

    private static void check(String part, String value) {
        Objects.requireNonNull(value, part);
        if (!ALLOWED.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("Invalid GitHub repository " + part + " " + quoted(value)
                    + ": 1 to " + MAX_LENGTH + " ASCII letters, digits, '-', '_' or '.', and not '.' or '..'");
        }
    }

    /** The rejected text, shortened: it comes from a webhook payload and ends up in logs. */
    private static String quoted(String value) {
        return "'" + (value.length() > MAX_LENGTH + 20 ? value.substring(0, MAX_LENGTH + 20) + "…" : value) + "'";
    }
}
