package dev.offstage.testing;

import dev.offstage.testing.TestSecrets.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Looks for secrets in log files, line by line: each secret as written, JSON-escaped, and
 * base64-encoded (standard and URL alphabets, at any alignment inside a longer encoding). A secret
 * of several lines (a PEM key) is also looked for line by line, so that a key logged whole is
 * caught on each of its lines. Finds; never prints a secret: reports name it and show
 * {@link Secret#masked()}. Thread-safe.
 */
public final class SecretLeakScan {

    /** Where a secret was found. {@code form} says how it was written: as is, JSON-escaped, base64... */
    public record Leak(Path file, int line, Secret secret, String form) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + secret + ", " + form;
        }
    }

    /** What a scan looked at and found. */
    public record Report(List<Path> files, long lines, List<Leak> leaks) {}

    /** Base64 fragments shorter than this could turn up by chance in other base64. */
    private static final int MIN_FRAGMENT = 12;
    /** A line of a multi-line secret shorter than this is no secret on its own (a blank line, a bracket). */
    private static final int MIN_LINE = 16;
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "node_modules", "src", "test-secrets");

    private record Needle(String text, Secret secret, String form) {}

    private final List<Needle> needles = new ArrayList<>();
    private final List<Pattern> disclosures;

    /**
     * A scan for {@code secrets}. A line that matches one of {@code disclosures} whole is shown by
     * design (the local runtime's summary of its local values, say) and not reported.
     */
    public SecretLeakScan(List<Secret> secrets, List<Pattern> disclosures) {
        this.disclosures = List.copyOf(disclosures);
        for (var secret : secrets) {
            var value = secret.value();
            // Whole forms first: a line holding one is reported as such, not as one of its lines.
            add(value, secret, "as is", 1);
            add(jsonEscaped(value), secret, "JSON-escaped", 1);
            for (var line : value.split("\r?\n")) {
                if (!line.startsWith("-----")) {
                    add(line, secret, "one of its lines", MIN_LINE);
                }
            }
            var bytes = value.getBytes(StandardCharsets.UTF_8);
            for (int offset = 0; offset < 3; offset++) {
                var fragment = base64Fragment(bytes, offset);
                add(fragment, secret, "base64", MIN_FRAGMENT);
                add(fragment.replace('+', '-').replace('/', '_'), secret, "base64url", MIN_FRAGMENT);
            }
        }
    }

    private void add(String text, Secret secret, String form, int minLength) {
        if (text.length() < minLength) {
            return;
        }
        for (var needle : needles) {
            if (needle.text.equals(text) && needle.secret.equals(secret)) {
                return;
            }
        }
        needles.add(new Needle(text, secret, form));
    }

    /**
     * The part of the base64 encoding of {@code secret} that does not depend on what surrounds it,
     * when it starts {@code offset} bytes into a 3-byte group of a longer encoding.
     */
    static String base64Fragment(byte[] secret, int offset) {
        var shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        var encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
        // Characters that mix bits of the unknown bytes before it: 0, 2 or 3 of them.
        int from = switch (offset) {
            case 0 -> 0;
            case 1 -> 2;
            default -> 3;
        };
        // Only whole 3-byte groups: the last partial group mixes in the unknown bytes after it.
        int to = shifted.length / 3 * 4;
        return from >= to ? "" : encoded.substring(from, to);
    }

    /** {@code value} as a JSON string's content, as Jackson writes it. */
    static String jsonEscaped(String value) {
        var escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> escaped.append("\\\"");
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /** Every leak in {@code files}, in file and line order. */
    public Report scan(List<Path> files) {
        var leaks = new ArrayList<Leak>();
        long lines = 0;
        for (var file : files) {
            // Invalid UTF-8 (a binary's output, a truncated line) is replaced, not fatal.
            try (var reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
                int number = 0;
                for (String line; (line = reader.readLine()) != null; ) {
                    number++;
                    scanLine(file, number, line, leaks);
                }
                lines += number;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new Report(List.copyOf(files), lines, leaks);
    }

    private void scanLine(Path file, int number, String line, List<Leak> leaks) {
        Secret reported = null;
        for (var needle : needles) {
            if (needle.secret != reported && line.contains(needle.text) && !disclosed(line)) {
                leaks.add(new Leak(file, number, needle.secret, needle.form));
                reported = needle.secret; // one report per secret and line; needles of a secret are adjacent
            }
        }
    }

    private boolean disclosed(String line) {
        for (var disclosure : disclosures) {
            if (disclosure.matcher(line).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The log files of a test run under {@code root} (a clone): Surefire's per-class output
     * ({@code *-output.txt}) and dumps ({@code *.dumpstream}) and every {@code *.log}, wherever they
     * are except sources, {@code .git} and {@code node_modules}; sorted by path.
     */
    public static List<Path> logFiles(Path root) {
        var files = new ArrayList<Path>();
        walk(root, new Tolerant() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                return !directory.equals(root) && SKIPPED_DIRECTORIES.contains(directory.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                var name = file.getFileName().toString();
                if (attributes.isRegularFile()
                        && (name.endsWith("-output.txt") || name.endsWith(".log") || name.endsWith(".dumpstream"))) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    /** Every secret {@link TestSecrets#record}ed by the tests of any module under {@code root}. */
    public static List<Secret> recordedSecrets(Path root) {
        var directories = new TreeMap<String, Path>();
        walk(root, new Tolerant() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                var name = directory.getFileName() == null ? "" : directory.getFileName().toString();
                if (name.equals("test-secrets")) {
                    directories.put(directory.toString(), directory);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return !directory.equals(root) && (name.equals(".git") || name.equals("node_modules") || name.equals("src"))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }
        });
        var secrets = new ArrayList<Secret>();
        directories.values().forEach(directory -> secrets.addAll(TestSecrets.recorded(directory)));
        return secrets;
    }

    /** A visitor that passes over a file that vanished or cannot be read while it walks. */
    private static class Tolerant extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
        }
    }

    private static void walk(Path root, SimpleFileVisitor<Path> visitor) {
        try {
            Files.walkFileTree(root, visitor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the files under " + root, e);
        }
    }
}
