package dev.offstage.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * ffmpeg and ffprobe behind wrapper scripts that append one line per run to a log — what kind of
 * run it was, when it started and ended (ns since the epoch), its exit status — so a benchmark can
 * tell the time spent in the tools from everything else. The wrappers are what
 * {@code VIDEO_FFMPEG} and {@code VIDEO_FFPROBE} name; each costs a bash start and two
 * {@code date} calls per run (a few ms), for the baseline and the measured code alike.
 *
 * <p>No argument is written to the log: the pipeline's inputs are presigned URLs.
 */
final class TimedMediaTools {

    /** What a run did, told from its arguments. */
    enum Kind {
        /** ffprobe of a presigned URL: the upload. */
        PROBE_SOURCE,
        /** ffprobe of a local file: an output checked after encoding. */
        PROBE_OUTPUT,
        /** ffmpeg with {@code -filter_complex}: the renditions (or a segment's). */
        TRANSCODE,
        /** ffmpeg with {@code -frames:v}: the poster. */
        POSTER,
        /** ffmpeg with {@code -f segment}: the split. */
        SPLIT,
        /** ffmpeg with {@code -f concat}: stitching. */
        CONCAT,
        /** ffmpeg mapping only the input's audio ({@code -map 0:a:0}, no filter graph): the assembler's audio. */
        AUDIO,
        /** {@code -version}: the init check. */
        VERSION,
        /** Anything else (a rotated source's remux). */
        OTHER
    }

    /** One run: its kind and how long it took. */
    record Run(Kind kind, long startNanos, long endNanos, int status) {
        Duration duration() {
            return Duration.ofNanos(endNanos - startNanos);
        }
    }

    private static final String SCRIPT = """
            #!/usr/bin/env bash
            # Written by TimedMediaTools (benchmarks): runs %1$s and appends "kind start_ns end_ns status" to %2$s.
            kind=OTHER
            url=0
            for argument in "$@"; do
              case "$argument" in
                http://*|https://*) url=1 ;;
                -filter_complex) kind=TRANSCODE ;;
                -frames:v) kind=POSTER ;;
                segment) [ "$previous" = "-f" ] && kind=SPLIT ;;
                concat) [ "$previous" = "-f" ] && kind=CONCAT ;;
                -version) kind=VERSION ;;
                0:a:0) [ "$kind" = OTHER ] && kind=AUDIO ;;
              esac
              previous=$argument
            done
            if [ "%1$s" = ffprobe ] && [ "$kind" = OTHER ]; then
              if [ $url = 1 ]; then kind=PROBE_SOURCE; else kind=PROBE_OUTPUT; fi
            fi
            start=$(date +%%s%%N)
            %1$s "$@"
            status=$?
            end=$(date +%%s%%N)
            printf '%%s\\t%%s\\t%%s\\t%%s\\n' "$kind" "$start" "$end" "$status" >> '%2$s'
            exit $status
            """;

    private final Path ffmpeg;
    private final Path ffprobe;
    private final Path log;

    private TimedMediaTools(Path ffmpeg, Path ffprobe, Path log) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
        this.log = log;
    }

    /** Writes the two wrappers and an empty log into {@code directory}. */
    static TimedMediaTools create(Path directory) {
        try {
            Files.createDirectories(directory);
            var log = directory.resolve("runs.tsv").toAbsolutePath();
            Files.writeString(log, "");
            return new TimedMediaTools(wrapper(directory, "ffmpeg", log), wrapper(directory, "ffprobe", log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path wrapper(Path directory, String tool, Path log) throws IOException {
        var script = directory.resolve("timed-" + tool).toAbsolutePath();
        Files.writeString(script, SCRIPT.formatted(tool, log));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    String ffmpeg() {
        return ffmpeg.toString();
    }

    String ffprobe() {
        return ffprobe.toString();
    }

    /** Forgets the runs so far: {@link #runs()} then returns only later ones. */
    void clear() {
        try {
            Files.writeString(log, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The runs since {@link #clear()}, in the order they ended. */
    List<Run> runs() {
        try {
            return Files.readAllLines(log).stream().filter(line -> !line.isBlank()).map(line -> {
                var fields = line.split("\t");
                return new Run(Kind.valueOf(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                        Integer.parseInt(fields[3]));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds spent in runs of each kind (runs in parallel add up). */
    static Map<Kind, Long> millisByKind(List<Run> runs) {
        var total = new EnumMap<Kind, Long>(Kind.class);
        for (var kind : Kind.values()) {
            total.put(kind, 0L);
        }
        for (var run : runs) {
            total.merge(run.kind(), run.duration().toMillis(), Long::sum);
        }
        return total;
    }
}
