package dev.offstage.ci.pages;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.offstage.ci.build.Build;
import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildStatus;
import java.time.Instant;
import java.util.List;

/**
 * What a build page shows, in the shape the JSON API answers. Absent values are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BuildView(
        String id,
        String repository,
        String event,
        String label,
        String ref,
        String sha,
        Integer pullRequest,
        boolean fork,
        String title,
        String author,
        BuildStatus status,
        String reason,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationSeconds,
        Integer exitCode,
        int attempts,
        String commitUrl,
        Log log,
        List<Artifact> artifacts,
        String notice) {

    /** The log: a link to all of it, and its last lines inline (absent once the log expired). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Log(String url, String tail) {}

    /** An uploaded artifact: its path in the repository and a download link. */
    record Artifact(String name, String url) {}

    /** A line of the repository's build list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Summary(String id, BuildStatus status, String label, String sha, String title, String author,
            Instant createdAt, Long durationSeconds, String url) {
        static Summary of(Build build) {
            var request = build.request();
            return new Summary(build.id(), build.status(), request.label(), request.sha(), request.title(),
                    request.author(), build.createdAt(), seconds(build), build.pageUrl());
        }
    }

    /** A repository's newest builds. */
    record BuildList(String repository, List<Summary> builds) {}

    /**
     * The view of a build. The pages are public (no sign-in), so a private repository's log and
     * artifacts are left out: they may hold code and whatever its build printed.
     */
    static BuildView of(Build build, BuildFiles files, int tailBytes) {
        var request = build.request();
        Log log = null;
        List<Artifact> artifacts = List.of();
        String notice = null;
        if (request.privateRepository()) {
            notice = "The repository is private: its log and artifacts are not shown on these public pages. They are in"
                    + " the artifacts bucket under builds/" + build.id() + "/.";
        } else {
            if (build.logKey() != null) {
                log = new Log(files.link(build.logKey()).toString(), files.tail(build.logKey(), tailBytes).orElse(null));
            }
            artifacts = build.artifactKeys().stream()
                    .map(key -> new Artifact(BuildFiles.artifactName(build.id(), key), files.link(key).toString()))
                    .toList();
        }
        return new BuildView(build.id(), request.repository().fullName(), request.event(), request.label(), request.ref(),
                request.sha(), request.pullRequest(), request.fork(), request.title(), request.author(), build.status(),
                build.reason(), build.createdAt(), build.startedAt(), build.finishedAt(), seconds(build), build.exitCode(),
                build.attempts(), "https://github.com/" + request.repository().fullName() + "/commit/" + request.sha(),
                log, artifacts, notice);
    }

    private static Long seconds(Build build) {
        return build.duration().map(duration -> Math.max(0, duration.toSeconds())).orElse(null);
    }
}
