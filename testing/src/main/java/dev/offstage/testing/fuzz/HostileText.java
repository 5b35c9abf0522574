package dev.offstage.testing.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Strings for path and query parameters and header values: empty, blank, huge, NUL, lone
 * surrogates, non-characters, numbers out of every range, traversal, injection and encoding
 * tricks, and random text over all of Unicode (surrogates included).
 */
public final class HostileText {

    static final List<String> VALUES = List.of(
            "", " ", "x", "a".repeat(1001), "a".repeat(70_000), "\u0000", "a\u0000b", "\ud800", "\udc00a", "\uffff", "\ufeff",
            "😀", "ǅ", "../..", "..%2F..", "%00", "%zz", "<script>alert(1)</script>", "' OR '1'='1", "${jndi:ldap://x/a}",
            "1e309", "-1", "0", "1", "2147483648", "-2147483649", "99999999999999999999", " 5 ", "５", "NaN", "null", "true",
            "a,b", "*", "/", "\\", "\r\n", "\t", "json", "JSON", "html", "eyJvZmZzZXQiOi0xfQ", "eyJvZmZzZXQiOjJlOX0", "bnVsbA", "W10",
            "e30", "eyJvZmZzZXQiOiJ4In0", "!!!", "====", "en", "zz-ZZ", "x-".repeat(500));

    private HostileText() {}

    /** A hostile string: one of the fixed ones or random text. */
    public static Gen<String> strings() {
        return Gen.oneOf(Gen.pick(VALUES), Gen.pick(VALUES), HostileText::randomText);
    }

    /** Up to 64 random UTF-16 units from anywhere in the BMP, surrogates and controls included. */
    public static String randomText(SplittableRandom random) {
        var length = random.nextInt(65);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000));
        }
        return text.toString();
    }
}
