package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.offstage.testing.ChildProcesses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/demo}, the README's first command, as a newcomer runs it: it starts the local
 * runtime and the GitHub API player, drives the three pipelines with curl, the AWS CLI and ffmpeg,
 * prints what happened and exits 0, leaving nothing running. Needs what the script needs (the AWS
 * CLI v2, curl, openssl, ffmpeg, python3; {@code .ci/run} installs the Debian packages) and the
 * modules built, as this module is built after all of them.
 */
class DemoScriptTest {

    /** A bound against a wedged script, not a performance limit: startup plus three bounded waits. */
    private static final long WAIT_MINUTES = 7;
    private static final Pattern LOCAL_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    @Timeout(value = WAIT_MINUTES + 1, unit = TimeUnit.MINUTES)
    void demoShowsEveryPipelineWorkingAndStopsWhatItStarted(@TempDir Path temporary) throws Exception {
        var before = ChildProcesses.now();
        var output = temporary.resolve("demo-output.txt");
        var scriptTemporary = Files.createDirectory(temporary.resolve("tmp"));
        // --own-runtime: the demo's own runtime (with the GitHub API player), even if a developer runs scripts/dev here.
        var builder = new ProcessBuilder("scripts/demo", "--no-build", "--own-runtime")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TMPDIR", scriptTemporary.toString());
        var demo = builder.start();

        if (!demo.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)) {
            demo.destroy(); // SIGTERM: the script's trap stops what it started
            demo.waitFor(1, TimeUnit.MINUTES);
            fail("scripts/demo did not finish within " + WAIT_MINUTES + " minutes; its output:\n" + Files.readString(output));
        }
        var printed = Files.readString(output);

        assertThat(demo.exitValue()).as(printed).isZero();
        assertThat(lineStartingWith(printed, "CI ")).contains("octo-org/offstage-demo@").contains("202 queued");
        assertThat(printed).as("the build and what GitHub received")
                .contains("build SUCCEEDED (exit 0): http://127.0.0.1:")
                .contains("artifacts: dist/greeting.txt")
                .contains("GitHub received commit statuses (offstage/ci): pending \"");
        assertThat(lineContaining(printed, "GitHub received commit statuses")).contains("; success \"");
        assertThat(printed).as("posts: search, spam verdict, trending")
                .contains("search \"quokka\": 3 hits: demo-")
                .containsPattern("spam verdict: demo-\\S+-4 SPAM \\(score 0\\.\\d\\d: links")
                .containsPattern("demo-\\S+-1 not spam \\(score 0\\.\\d\\d")
                .contains("search \"prizes\": the spam post is hidden")
                .contains("#wildlife 2 posts");
        assertThat(printed).as("video: READY with its renditions")
                .containsPattern("video demo-\\S+: READY, \\d+ s from upload to READY")
                .contains("renditions: 720p 1280x720", "480p 854x480")
                .contains("in the outputs bucket: 480p.mp4, 720p.mp4, poster.jpg");

        // Nothing it started is left: every port it printed is closed, no process of its temporary folder lives.
        var ports = new TreeSet<Integer>();
        LOCAL_URL.matcher(lineStartingWith(printed, "Local runtime started by the demo")).results()
                .forEach(match -> ports.add(Integer.parseInt(match.group(1))));
        assertThat(ports).as("HTTP API, four emulators, GitHub API player").hasSize(6);
        for (int port : ports) {
            assertThat(listening(port)).as("port %d is closed", port).isFalse();
        }
        assertThat(ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(process -> process.info().commandLine().orElse(""))
                .filter(command -> command.contains(scriptTemporary.toString()))).as("processes left running").isEmpty();
        assertThat(ChildProcesses.startedSince(before)).as("processes left running").isEmpty();
        try (Stream<Path> left = Files.list(scriptTemporary)) {
            assertThat(left).as("temporary files left").isEmpty();
        }
    }

    private static String lineStartingWith(String text, String prefix) {
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .orElseGet(() -> fail("no line starting with '" + prefix + "' in:\n" + text));
    }

    private static String lineContaining(String text, String part) {
        List<String> lines = text.lines().filter(line -> line.contains(part)).toList();
        assertThat(lines).as(text).hasSize(1);
        return lines.getFirst();
    }

    private static boolean listening(int port) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }
}
