package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.ChildProcesses;
import dev.offstage.testing.LogCapture;
import dev.offstage.video.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class MediaCommandTest {

    private static final MediaTools TOOLS = new MediaTools("ffmpeg", "ffprobe", "veryfast");
    private static final VideoEncoder ENCODER = new VideoEncoder(TOOLS);

    @TempDir
    Path temp;

    /** A named pipe nobody writes to: ffmpeg opening it waits forever, until it is killed. */
    private Path pipeNobodyWrites() throws IOException, InterruptedException {
        Path fifo = temp.resolve("upload.mp4");
        var mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        return fifo;
    }

    @Test
    void deadlineAlreadyPassedStartsNothing() {
        Set<Long> before = ChildProcesses.now();

        assertThatThrownBy(() -> ENCODER.probe(TestVideos.landscape().toString(), Instant.now().minusSeconds(1)))
                .isInstanceOf(MediaDeadlineException.class).hasMessageContaining("not started");
        assertThat(ChildProcesses.startedSince(before)).isEmpty();
    }

    @Test
    void ffmpegStillRunningAtTheDeadlineIsKilledWithEverythingItStarted() throws Exception {
        Path stuck = pipeNobodyWrites();
        var info = ENCODER.probe(TestVideos.landscape().toString(), Instant.now().plusSeconds(60));
        var renditions = List.of(new Rendition("360p", 640, 360, 800, 64));
        Set<Long> before = ChildProcesses.now();

        assertThatThrownBy(() -> ENCODER.transcode(stuck.toString(), info, renditions, temp, Instant.now().plusMillis(500)))
                .isInstanceOf(MediaDeadlineException.class)
                .isInstanceOf(MediaToolException.class) // retryable: a later attempt may have more time
                .hasMessageContaining("ffmpeg (transcode) was still running at its deadline");

        assertThat(ChildProcesses.startedSince(before)).isEmpty();
    }

    @Test
    void aToolRunByAWrapperScriptIsKilledToo() throws Exception {
        // VIDEO_FFMPEG may name a script that starts the real ffmpeg: the deadline kills both.
        Path wrapper = Files.writeString(temp.resolve("ffmpeg-wrapper.sh"), "#!/bin/sh\nffmpeg \"$@\"\necho done\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        var encoder = new VideoEncoder(new MediaTools(wrapper.toString(), "ffprobe", "veryfast"));
        Path stuck = pipeNobodyWrites();
        // What a probe would have said: this split runs ffmpeg only.
        var info = new MediaInfo("matroska,webm", 60, -1, 0, Optional.of(new MediaInfo.Video("h264", 320, 180, 0, 25, "yuv420p")),
                Optional.empty(), 1);
        Set<Long> before = ChildProcesses.now();

        assertThatThrownBy(() -> encoder.split(stuck.toString(), info, Duration.ofSeconds(5), temp, Instant.now().plusSeconds(1)))
                .isInstanceOf(MediaDeadlineException.class).hasMessageContaining("and 1 process(es) it started");

        assertThat(ChildProcesses.startedSince(before)).isEmpty();
    }

    @Test
    void missingFfmpegSaysWhatToSet() {
        var encoder = new VideoEncoder(new MediaTools("/nowhere/ffmpeg", "ffprobe", "veryfast"));

        assertThatThrownBy(() -> encoder.checkTools(Instant.now().plusSeconds(60)))
                .isExactlyInstanceOf(MediaToolException.class)
                .hasMessageContaining("'/nowhere/ffmpeg'").hasMessageContaining("Set VIDEO_FFMPEG")
                .hasMessageContaining("FfmpegLayerArn").hasMessageContaining("/opt/bin/ffmpeg");
    }

    @Test
    void missingFfprobeSaysWhatToSet() {
        var encoder = new VideoEncoder(new MediaTools("ffmpeg", "/nowhere/ffprobe", "veryfast"));

        assertThatThrownBy(() -> encoder.probe(TestVideos.landscape().toString(), Instant.now().plusSeconds(60)))
                .isExactlyInstanceOf(MediaToolException.class)
                .hasMessageContaining("Set VIDEO_FFPROBE").hasMessageContaining("/opt/bin/ffprobe");
    }

    @Test
    void checkToolsLogsTheVersionsFound() {
        LogCapture.start();

        ENCODER.checkTools(Instant.now().plusSeconds(60));

        assertThat(LogCapture.lines()).filteredOn(line -> line.message().endsWith(" found"))
                .extracting(line -> line.fields().get("tool")).containsExactly("ffmpeg", "ffprobe");
        assertThat(LogCapture.lines()).anySatisfy(line -> assertThat(line.fields().get("version")).startsWith("ffmpeg version"));
    }

    @Test
    void stderrIsLoggedUpToALimitAndItsEndKeptForTheMessage() throws IOException {
        Path chatty = Files.writeString(temp.resolve("chatty.sh"),
                "#!/bin/sh\nfor i in $(seq 1 60); do echo \"problem $i\" >&2; done\nexit 3\n");
        assertThat(chatty.toFile().setExecutable(true)).isTrue();
        LogCapture.start();

        var exit = MediaCommand.ffmpeg(new MediaTools(chatty.toString(), "ffprobe", "veryfast"), "test", List.of(), 0)
                .run(Instant.now().plusSeconds(60));

        assertThat(exit.status()).isEqualTo(3);
        assertThat(exit.errors()).hasSize(MediaCommand.ERROR_TAIL).startsWith("problem 41").endsWith("problem 60");
        var warnings = LogCapture.lines().stream().filter(line -> line.level() == Level.WARN).toList();
        assertThat(warnings).hasSize(MediaCommand.MAX_LOGGED_ERRORS + 1);
        assertThat(warnings.getFirst().fields()).containsEntry("stderr", "problem 1").containsEntry("step", "test");
        assertThat(warnings.getLast().message()).isEqualTo("ffmpeg wrote 10 more lines on stderr, not logged");
    }

    @Test
    void ffprobeReportIsReturned() {
        var exit = MediaCommand.ffprobe(TOOLS, "test", List.of("-show_format", TestVideos.landscape().toString()))
                .run(Instant.now().plusSeconds(60));

        assertThat(exit.status()).isZero();
        assertThat(exit.output()).contains("\"format_name\"");
        assertThat(exit.errors()).isEmpty();
    }
}
