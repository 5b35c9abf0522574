package dev.offstage.posts.spam;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A link found in a post's text.
 *
 * @param text the link as written
 * @param host its host as links are compared: lower case ASCII (punycode), no trailing dot, no
 *             user info or port ({@code http://bank.example@evil.example} is {@code evil.example})
 */
public record Link(String text, String host) {

    private static final String LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?";

    // Spammers write links without a scheme ("example.com/x") so a scheme is optional; user info
    // only counts after a scheme, so that "bob@example.com" (an address, not a link) is skipped —
    // the look-behind stops a match from starting inside an address or another word.
    private static final Pattern CANDIDATE = Pattern.compile(
            "(?<![\\p{L}\\p{N}@._-])"
                    + "(?<scheme>https?://(?:[^\\s/?#<>\"'@]+@)?)?"
                    + "(?<host>" + LABEL + "(?:\\." + LABEL + ")+)\\.?"
                    + "(?::\\d{1,5})?"
                    + "(?<path>[/?#][^\\s<>\"']*)?",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    // Without a scheme or "www.", "node.js" and "3.14" are not links: a bare name counts only
    // when a path follows it ("spam.example/x"), or it ends in a top-level domain links
    // commonly use, or an internationalised one.
    private static final Set<String> BARE_TOP_LEVEL_DOMAINS = Set.of(
            "com", "net", "org", "info", "biz", "io", "co", "me", "ly", "gl", "gg", "to", "tv", "cc",
            "xyz", "top", "club", "online", "site", "website", "app", "dev", "link", "click", "live",
            "shop", "store", "win", "bid", "loan", "work", "vip", "icu", "buzz", "ru", "su", "cn",
            "de", "uk", "fr", "nl", "eu", "us", "ca", "au", "in", "br", "jp", "es", "pl", "ch", "se",
            "be", "at", "dk", "fi", "cz", "tk", "ml", "ga", "cf", "gq", "pw", "ws");

    public Link {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(host, "host");
    }

    /** The links in {@code text}, in order; the same link twice is two links. */
    public static List<Link> findIn(String text) {
        var links = new ArrayList<Link>();
        var matcher = CANDIDATE.matcher(text);
        while (matcher.find()) {
            var host = SpamConfig.normaliseDomain(matcher.group("host"));
            if (host.isEmpty()) {
                continue;
            }
            var explicit = matcher.group("scheme") != null || host.startsWith("www.")
                    || (matcher.group("path") != null && matcher.group("path").length() > 1);
            var topLevel = host.substring(host.lastIndexOf('.') + 1);
            if (explicit || BARE_TOP_LEVEL_DOMAINS.contains(topLevel) || topLevel.startsWith("xn--")) {
                links.add(new Link(matcher.group(), host));
            }
        }
        return List.copyOf(links);
    }

    /** Whether this link's host is {@code domain} or one of its subdomains. */
    public boolean isOn(String domain) {
        return host.equals(domain) || host.endsWith("." + domain);
    }
}
