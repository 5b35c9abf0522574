package dev.offstage.testing.fuzz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Headers of a sample request, abused: one missing, one repeated (API Gateway joins repeated
 * headers with commas), one huge, control characters in a value, names in other cases (the same
 * name twice in two cases, too), a wrong {@code Content-Type}, odd forwarding headers. API Gateway
 * hands headers over with lower-case names; the variants keep or break that.
 */
public final class HostileHeaders {

    /** A set of headers and what was done to make it. */
    public record Variant(String kind, Map<String, String> headers) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static final List<String> CONTENT_TYPES = List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "", "application/json; charset=iso-8859-1", "application/octet-stream", "APPLICATION/JSON", "application/json, text/html");

    private HostileHeaders() {}

    /** Abused versions of {@code sample} (one abuse each); a few are the sample unchanged. */
    public static Gen<Variant> variantsOf(Map<String, String> sample) {
        var names = List.copyOf(sample.keySet());
        return Gen.oneOf(
                random -> new Variant("sample headers", new LinkedHashMap<>(sample)),
                random -> change(sample, names, random, "missing", (headers, name) -> headers.remove(name)),
                random -> change(sample, names, random, "repeated", (headers, name) -> headers.put(name, headers.get(name) + "," + headers.get(name))),
                random -> change(sample, names, random, "16 KB long", (headers, name) -> headers.put(name, headers.get(name) + "x".repeat(16 * 1024))),
                random -> change(sample, names, random, "with control characters", (headers, name) -> headers.put(name, headers.get(name) + "\u0000\r\n\u0007")),
                random -> change(sample, names, random, "empty", (headers, name) -> headers.put(name, "")),
                random -> change(sample, names, random, "upper-case name", (headers, name) -> headers.put(name.toUpperCase(Locale.ROOT), headers.remove(name))),
                random -> change(sample, names, random, "twice, in two cases", (headers, name) -> headers.put(name.toUpperCase(Locale.ROOT), "other")),
                random -> {
                    var contentType = Gen.pick(CONTENT_TYPES).next(random);
                    var headers = withoutName(sample, "content-type");
                    headers.put("content-type", contentType);
                    return new Variant("content-type '" + contentType + "'", headers);
                },
                random -> {
                    var headers = new LinkedHashMap<>(sample);
                    headers.put("x-forwarded-proto", Gen.pick(List.of("javascript", "", "HTTPS", "http,https")).next(random));
                    headers.put("x-forwarded-port", Gen.pick(List.of("99999999", "-1", "", "443,80", "0x50")).next(random));
                    return new Variant("odd forwarding headers " + headers.get("x-forwarded-proto") + ":" + headers.get("x-forwarded-port"), headers);
                });
    }

    private interface Change {
        void apply(Map<String, String> headers, String name);
    }

    private static Variant change(Map<String, String> sample, List<String> names, SplittableRandom random, String what, Change change) {
        var headers = new LinkedHashMap<>(sample);
        if (names.isEmpty()) {
            return new Variant("sample headers (none to make " + what + ")", headers);
        }
        var name = names.get(random.nextInt(names.size()));
        change.apply(headers, name);
        return new Variant(name + " " + what, headers);
    }

    private static Map<String, String> withoutName(Map<String, String> headers, String name) {
        var copy = new LinkedHashMap<String, String>();
        headers.forEach((key, value) -> {
            if (!key.equalsIgnoreCase(name)) {
                copy.put(key, value);
            }
        });
        return copy;
    }
}
