package dev.offstage.ci.github;

import java.util.regex.Pattern;

/**
 * A repository on GitHub, {@code owner/name}. Validated against GitHub's allowed characters, since
 * the parts go into API paths.
 */
public record GitHubRepository(String owner, String name) {

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    public GitHubRepository {
        if (owner == null || !PART.matcher(owner).matches() || owner.equals(".") || owner.equals("..")) {
            throw new IllegalArgumentException("Not a GitHub owner: " + owner);
        }
        if (name == null || !PART.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Not a GitHub repository name: " + name);
        }
    }

    /** Parses {@code owner/name}. @throws IllegalArgumentException when it is not one */
    public static GitHubRepository parse(String fullName) {
        var slash = fullName == null ? -1 : fullName.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Not a GitHub repository (owner/name): " + fullName);
        }
        return new GitHubRepository(fullName.substring(0, slash), fullName.substring(slash + 1));
    }

    /** {@code owner/name}. */
    public String fullName() {
        return owner + "/" + name;
    }
}
