package dev.offstage.ci.pages;

import dev.offstage.ci.build.BuildStatus;
import dev.offstage.ci.github.GitHubRepository;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The build pages as plain HTML: one inline style sheet, no scripts, no external assets. Every
 * value from a webhook or a log is escaped. Pages of builds still queued or running reload every
 * five seconds.
 */
final class PageHtml {

    static final String TYPE = "text/html; charset=utf-8";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328}
            a{color:#0969da}h1{font-size:1.4em;margin-bottom:.2em}table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de;vertical-align:top}
            th{width:11em;font-weight:600}pre{background:#f6f8fa;padding:1em;overflow:auto;font-size:13px;line-height:1.4}
            .status{display:inline-block;padding:.05em .6em;border-radius:1em;font-size:.85em;font-weight:600;color:#fff}
            .SUCCEEDED{background:#1a7f37}.FAILED,.TIMED_OUT,.ERROR{background:#cf222e}
            .QUEUED,.RUNNING{background:#9a6700}.SUPERSEDED{background:#6e7781}code{font-size:.9em}
            """;

    private PageHtml() {}

    static String build(BuildView build) {
        var html = new StringBuilder(8192);
        var live = build.status() == BuildStatus.QUEUED || build.status() == BuildStatus.RUNNING;
        head(html, "Build " + build.id() + " · " + build.repository(), live);
        // Relative links: the pages work under any stage or custom domain path.
        html.append("<p><a href=\"../repos/").append(escape(build.repository())).append("/builds\">")
                .append(escape(build.repository())).append("</a></p>\n");
        html.append("<h1>").append(escape(build.title().isEmpty() ? build.label() : build.title())).append("</h1>\n");
        html.append("<p>").append(status(build.status()));
        if (build.reason() != null) {
            html.append(' ').append(escape(build.reason()));
        }
        html.append("</p>\n<table>\n");
        row(html, "Build", "<code>" + escape(build.id()) + "</code>");
        row(html, build.pullRequest() == null ? "Branch" : "Pull request", escape(build.label()) + (build.fork() ? " (from a fork: built without secrets)" : ""));
        row(html, "Commit", "<a href=\"" + escape(build.commitUrl()) + "\"><code>" + escape(build.sha()) + "</code></a>");
        row(html, "Author", escape(build.author()));
        row(html, "Queued", time(build.createdAt()));
        if (build.startedAt() != null) {
            row(html, "Started", time(build.startedAt()));
        }
        if (build.finishedAt() != null) {
            row(html, "Finished", time(build.finishedAt()));
        }
        if (build.durationSeconds() != null) {
            row(html, "Duration", build.durationSeconds() + " s");
        }
        if (build.exitCode() != null) {
            row(html, "Exit code", Integer.toString(build.exitCode()));
        }
        if (build.attempts() > 1) {
            row(html, "Attempts", Integer.toString(build.attempts()));
        }
        html.append("</table>\n");
        if (!build.artifacts().isEmpty()) {
            html.append("<h2>Artifacts</h2>\n<ul>\n");
            for (var artifact : build.artifacts()) {
                html.append("<li><a href=\"").append(escape(artifact.url())).append("\">").append(escape(artifact.name())).append("</a></li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("<h2>Log</h2>\n");
        if (build.notice() != null) {
            html.append("<p>").append(escape(build.notice())).append("</p>\n");
        } else if (build.log() == null) {
            html.append("<p>No log yet.</p>\n");
        } else {
            html.append("<p><a href=\"").append(escape(build.log().url())).append("\">Whole log</a> (the last lines are below)</p>\n");
            html.append("<pre>").append(escape(build.log().tail() == null ? "" : build.log().tail())).append("</pre>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    static String list(GitHubRepository repository, List<BuildView.Summary> builds) {
        var html = new StringBuilder(8192);
        head(html, "Builds · " + repository.fullName(), builds.stream().anyMatch(b -> b.status() == BuildStatus.QUEUED || b.status() == BuildStatus.RUNNING));
        html.append("<h1>Builds of ").append(escape(repository.fullName())).append("</h1>\n");
        if (builds.isEmpty()) {
            return html.append("<p>No builds yet.</p>\n</body>\n</html>\n").toString();
        }
        html.append("<table>\n<tr><th>Status</th><th>Branch</th><th>Commit</th><th>Queued</th><th>Duration</th></tr>\n");
        for (var build : builds) {
            html.append("<tr><td><a href=\"../../../builds/").append(escape(build.id())).append("\">").append(status(build.status())).append("</a></td><td>")
                    .append(escape(build.label())).append("</td><td><code>").append(escape(build.sha().substring(0, 7))).append("</code> ")
                    .append(escape(build.title())).append("</td><td>").append(time(build.createdAt())).append("</td><td>")
                    .append(build.durationSeconds() == null ? "" : build.durationSeconds() + " s").append("</td></tr>\n");
        }
        return html.append("</table>\n</body>\n</html>\n").toString();
    }

    private static void head(StringBuilder html, String title, boolean live) {
        html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (live) {
            html.append("<meta http-equiv=\"refresh\" content=\"5\">\n");
        }
        html.append("<title>").append(escape(title)).append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
    }

    private static void row(StringBuilder html, String name, String valueHtml) {
        html.append("<tr><th>").append(escape(name)).append("</th><td>").append(valueHtml).append("</td></tr>\n");
    }

    private static String status(BuildStatus status) {
        return "<span class=\"status " + status.name() + "\">" + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "</span>";
    }

    private static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        var escaped = new StringBuilder(text.length() + 16);
        for (var i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
