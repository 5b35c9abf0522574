package dev.offstage.ci.webhook;

import dev.offstage.ci.github.GitHubRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which repositories may trigger builds. Every repository's webhook is signed with the same
 * secret, so a signature proves the sender knows it, not which repository it may speak for: the
 * filter keeps a connected repository's admin from making the runner build (and report on)
 * another repository the GitHub credentials can reach.
 *
 * <p>Patterns: {@code owner/name}, {@code owner/*}, or {@code *} for any; GitHub names compare
 * without regard to case. Immutable.
 */
public final class RepositoryFilter {

    private final List<String> patterns;

    private RepositoryFilter(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Parses a comma-separated list.
     *
     * @throws IllegalArgumentException naming a pattern that is none of the three forms
     */
    public static RepositoryFilter parse(String list) {
        var patterns = new ArrayList<String>();
        for (var part : list.split(",")) {
            var pattern = part.strip().toLowerCase(Locale.ROOT);
            if (pattern.isEmpty()) {
                continue;
            }
            if (!pattern.equals("*")) {
                var slash = pattern.indexOf('/');
                if (slash < 0) {
                    throw new IllegalArgumentException("'" + part.strip() + "' is not owner/name, owner/* or *");
                }
                var owner = pattern.substring(0, slash);
                var name = pattern.substring(slash + 1);
                // Validates both parts as GitHub would name them.
                new GitHubRepository(owner, name.equals("*") ? "x" : name);
            }
            patterns.add(pattern);
        }
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no repository is allowed; use * for any");
        }
        return new RepositoryFilter(patterns);
    }

    public boolean allows(GitHubRepository repository) {
        var owner = repository.owner().toLowerCase(Locale.ROOT);
        var fullName = repository.fullName().toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(pattern -> pattern.equals("*") || pattern.equals(fullName) || pattern.equals(owner + "/*"));
    }

    @Override
    public String toString() {
        return String.join(",", patterns);
    }
}
