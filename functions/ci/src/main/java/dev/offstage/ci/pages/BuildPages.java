package dev.offstage.ci.pages;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.ci.build.Build;
import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildQueue;
import dev.offstage.ci.build.BuildStore;
import dev.offstage.ci.github.GitHubRepository;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.util.List;
import java.util.Locale;

/**
 * The build pages: {@code GET /builds/{id}} (one build, its log tail, a link to the whole log,
 * its artifacts) and {@code GET /repos/{owner}/{repo}/builds} (the newest builds). HTML for
 * browsers, JSON for {@code Accept: application/json} (or {@code ?format=json}).
 *
 * <p>Links to S3 are presigned for an hour, so the bucket stays private. Read-only and thread-safe.
 */
public final class BuildPages {

    /** How much of the log the page shows inline. */
    static final int LOG_TAIL_BYTES = 64 * 1024;
    static final int LIST_LIMIT = 50;

    private final BuildStore store;
    private final BuildFiles files;

    public BuildPages(BuildStore store, BuildFiles files) {
        this.store = store;
        this.files = files;
    }

    /** Answers one page request; unknown builds and malformed ids → 404, other routes → 404. */
    public APIGatewayV2HTTPResponse respond(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw new ApiException(405, "method_not_allowed", "Build pages are read with GET");
        }
        var id = request.pathParameter("id");
        if (id.isPresent()) {
            return build(request, id.get());
        }
        var owner = request.pathParameter("owner");
        var repo = request.pathParameter("repo");
        if (owner.isPresent() && repo.isPresent()) {
            return list(request, owner.get(), repo.get());
        }
        throw ApiException.notFound("No such page: " + request.path());
    }

    private APIGatewayV2HTTPResponse build(ApiRequest request, String id) {
        if (!BuildQueue.isBuildId(id)) {
            throw ApiException.notFound("No build " + id);
        }
        var build = store.find(id).orElseThrow(() -> ApiException.notFound("No build " + id));
        var view = BuildView.of(build, files, LOG_TAIL_BYTES);
        return wantsJson(request)
                ? ApiResponses.json(200, view)
                : ApiResponses.text(200, PageHtml.TYPE, PageHtml.build(view));
    }

    private APIGatewayV2HTTPResponse list(ApiRequest request, String owner, String name) {
        GitHubRepository repository;
        try {
            repository = new GitHubRepository(owner, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("No repository " + owner + "/" + name);
        }
        List<Build> builds = store.recent(repository, LIST_LIMIT);
        var summaries = builds.stream().map(BuildView.Summary::of).toList();
        return wantsJson(request)
                ? ApiResponses.json(200, new BuildView.BuildList(repository.fullName(), summaries))
                : ApiResponses.text(200, PageHtml.TYPE, PageHtml.list(repository, summaries));
    }

    private static boolean wantsJson(ApiRequest request) {
        if (request.queryParameter("format").map("json"::equals).orElse(false)) {
            return true;
        }
        var accept = request.header("Accept").orElse("").toLowerCase(Locale.ROOT);
        return accept.contains("application/json") && !accept.contains("text/html");
    }
}
