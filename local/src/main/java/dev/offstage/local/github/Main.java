package dev.offstage.local.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link GitHubPlayer} until interrupted (Ctrl-C or SIGTERM), with the classpath
 * {@code scripts/dev} uses:
 *
 * <pre>
 * java -cp "local/target/classes:$(cat local/target/runtime-classpath.txt)" dev.offstage.local.github.Main \
 *   --repository octo-org/offstage-demo=demo/repository [--port N] [--url-file PATH]
 * </pre>
 *
 * <pre>
 * --repository owner/name=DIR  a repository whose every commit is the folder DIR (repeatable, at least one)
 * --port N                     the loopback port (default 0: any free one)
 * --url-file PATH              where to write the API root URL once it listens (written whole, or not at all)
 * </pre>
 *
 * <p>Exit codes: 0 after a clean stop, 2 for bad arguments, 4 when it cannot start.
 */
public final class Main {

    private Main() {}

    /** What to serve, from the command line. */
    record Options(Map<String, Path> repositories, int port, Optional<Path> urlFile) {}

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("github player: " + e.getMessage());
            System.err.println("usage: dev.offstage.local.github.Main --repository owner/name=DIR ... [--port N] [--url-file PATH]");
            System.exit(2);
            return;
        }
        GitHubPlayer player;
        try {
            player = GitHubPlayer.start(options.port(), options.repositories(), Clock.systemUTC());
            options.urlFile().ifPresent(file -> writeWhole(file, player.url() + "\n"));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("github player: cannot start: " + e.getMessage());
            System.exit(4);
            return;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            player.close();
            stopped.countDown();
        }, "github-player-stop"));
        System.err.println("GitHub API player listening on " + player.url() + " for " + options.repositories().keySet()
                + ". Stop with Ctrl-C.");
        stopped.await();
    }

    static Options parse(String[] args) {
        var repositories = new LinkedHashMap<String, Path>();
        int port = 0;
        Optional<Path> urlFile = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            var arg = args[i];
            switch (arg) {
                case "--repository" -> {
                    var pair = value(args, ++i, arg);
                    var equals = pair.indexOf('=');
                    if (equals <= 0 || equals == pair.length() - 1) {
                        throw new IllegalArgumentException("--repository takes owner/name=DIR, got '" + pair + "'");
                    }
                    repositories.put(pair.substring(0, equals), Path.of(pair.substring(equals + 1)));
                }
                case "--port" -> port = dev.offstage.local.runtime.Main.port(value(args, ++i, arg));
                case "--url-file" -> urlFile = Optional.of(Path.of(value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (repositories.isEmpty()) {
            throw new IllegalArgumentException("give at least one --repository owner/name=DIR");
        }
        return new Options(repositories, port, urlFile);
    }

    /** A reader polling for the file sees it whole: written beside it, then moved into place. */
    private static void writeWhole(Path file, String content) {
        try {
            var absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            var partial = Files.createTempFile(absolute.getParent(), ".github-player-", ".tmp");
            Files.writeString(partial, content);
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }
}
