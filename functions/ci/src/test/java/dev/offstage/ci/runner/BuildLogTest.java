package dev.offstage.ci.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildLogTest {

    @TempDir
    Path temp;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-27T07:20:01.123Z"));

    @Test
    void linesAreStampedInUtcToTheMillisecond() throws IOException {
        Path file = temp.resolve("build.log");
        try (var log = new BuildLog(file, clock)) {
            log.output("compiling");
            clock.advance(Duration.ofMillis(877));
            log.note("$ make");
        }

        assertThat(Files.readAllLines(file))
                .containsExactly("2026-11-27T07:20:01.123Z compiling", "2026-11-27T07:20:02.000Z $ make");
    }

    @Test
    void noteWithLineBreaksBecomesOneStampedLineEach() throws IOException {
        Path file = temp.resolve("build.log");
        try (var log = new BuildLog(file, clock)) {
            log.note("first\nsecond\r\nthird");
        }

        assertThat(Files.readAllLines(file)).allMatch(line -> line.startsWith("2026-11-27T07:20:01.123Z "))
                .extracting(line -> line.substring(25)).containsExactly("first", "second", "third");
    }

    @Test
    void outputOverTheLimitIsDroppedWithOneLineSayingSoWhileNotesGoOn() throws IOException {
        Path file = temp.resolve("build.log");
        long limit = 300; // each output line below takes 25 + 10 + 1 bytes
        try (var log = new BuildLog(file, clock, limit)) {
            for (int i = 0; i < 100; i++) {
                log.output("line " + String.format("%05d", i));
            }
            assertThat(log.truncated()).isTrue();
            log.note("Failed: exit status 1");
        }

        var lines = Files.readAllLines(file);
        assertThat(lines).hasSize(8 + 1 + 1);
        assertThat(lines.get(7)).endsWith("line 00007");
        assertThat(lines.get(8)).contains("reached its limit of 300 bytes", "further output is dropped");
        assertThat(lines.get(9)).endsWith("Failed: exit status 1");
    }

    @Test
    void writesAfterCloseAreIgnored() throws IOException {
        Path file = temp.resolve("build.log");
        var log = new BuildLog(file, clock);
        log.output("before");
        log.close();
        log.output("after");
        log.note("after");
        log.close();

        assertThat(Files.readAllLines(file)).containsExactly("2026-11-27T07:20:01.123Z before");
    }

    @Test
    void existingFileIsReplaced() throws IOException {
        Path file = temp.resolve("build.log");
        Files.writeString(file, "stale\n");
        try (var log = new BuildLog(file, clock)) {
            log.output("fresh");
        }

        assertThat(Files.readAllLines(file)).containsExactly("2026-11-27T07:20:01.123Z fresh");
    }

    @Test
    void negativeLimitIsRefused() {
        assertThatThrownBy(() -> new BuildLog(temp.resolve("build.log"), clock, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretsAreMaskedInOutputAndNotesAsInLogLines() throws IOException {
        var buildSecret = "npm-token-" + java.util.UUID.randomUUID();
        dev.offstage.shared.logging.Redaction.register(buildSecret);
        Path file = temp.resolve("build.log");
        try (var log = new BuildLog(file, clock)) {
            log.output("publishing with " + buildSecret);
            log.note("$ curl -H 'Authorization: Bearer " + buildSecret + "x'");
        }

        var text = Files.readString(file);
        assertThat(text).doesNotContain(buildSecret)
                .contains("2026-11-27T07:20:01.123Z publishing with [REDACTED]")
                .contains("Bearer [REDACTED]");
    }
}
