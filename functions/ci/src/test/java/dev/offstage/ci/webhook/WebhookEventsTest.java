package dev.offstage.ci.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.ci.Webhooks;
import dev.offstage.ci.build.BuildRequest;
import dev.offstage.ci.github.GitHubRepository;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which deliveries build, from the payloads GitHub documents (starting from the sample events). */
class WebhookEventsTest {

    private final WebhookEvents events = new WebhookEvents(WebhookEvents.Rules.defaults());

    private BuildRequest queued(String event, ObjectNode payload) {
        var decision = events.decide(event, "delivery-1", payload);
        assertThat(decision).isInstanceOf(WebhookEvents.Queue.class);
        return ((WebhookEvents.Queue) decision).request();
    }

    private String ignored(WebhookEvents events, String event, ObjectNode payload) {
        var decision = events.decide(event, "delivery-1", payload);
        assertThat(decision).isInstanceOf(WebhookEvents.Ignore.class);
        return ((WebhookEvents.Ignore) decision).reason();
    }

    @Test
    void branchPushBuildsTheHeadCommit() {
        var request = queued("push", Webhooks.payload(Webhooks.PUSH));

        assertThat(request.repository()).isEqualTo(new GitHubRepository("octo-org", "hello-offstage"));
        assertThat(request.sha()).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
        assertThat(request.ref()).isEqualTo("refs/heads/main");
        assertThat(request.branch()).isEqualTo("main");
        assertThat(request.pullRequest()).isNull();
        assertThat(request.fork()).isFalse();
        assertThat(request.title()).isEqualTo("Add the build config 🚀");
        assertThat(request.author()).isEqualTo("mona");
        assertThat(request.deliveryId()).isEqualTo("delivery-1");
        assertThat(request.installationId()).isNull();
    }

    @Test
    void branchDeletionDoesNotBuild() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        payload.put("deleted", true).put("after", "0".repeat(40)).putNull("head_commit");

        assertThat(ignored(events, "push", payload)).contains("deletes refs/heads/main");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Fix typo [skip ci]", "[CI SKIP] docs", "Docs\n\nNothing to test [Skip CI]"})
    void skipCiInTheHeadCommitDoesNotBuild(String message) {
        var payload = Webhooks.payload(Webhooks.PUSH);
        ((ObjectNode) payload.get("head_commit")).put("message", message);

        assertThat(ignored(events, "push", payload)).containsIgnoringCase("skip");
    }

    @Test
    void tagPushBuildsOnlyWhenTagBuildsAreOn() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        payload.put("ref", "refs/tags/v1.2.0");

        assertThat(ignored(events, "push", payload)).contains("tag builds are off");
        var request = ((WebhookEvents.Queue) new WebhookEvents(new WebhookEvents.Rules(true, true, RepositoryFilter.parse("*"))).decide("push", "d", payload)).request();
        assertThat(request.branch()).isEqualTo("v1.2.0");
        assertThat(request.supersedeKey()).isEqualTo("octo-org/hello-offstage#refs/tags/v1.2.0");
    }

    @Test
    void forcePushAndNewBranchBuild() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        payload.put("forced", true).put("created", true).put("before", "0".repeat(40)).put("ref", "refs/heads/feature/ümlaut");

        var request = queued("push", payload);

        assertThat(request.branch()).isEqualTo("feature/ümlaut");
    }

    @Test
    void pushWithoutHeadCommitBuildsTheAfterCommit() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        payload.putNull("head_commit");

        assertThat(queued("push", payload).sha()).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
    }

    @Test
    void appInstallationIsRemembered() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        payload.putObject("installation").put("id", 31337).put("node_id", "MDIz");

        assertThat(queued("push", payload).installationId()).isEqualTo(31337L);
    }

    @Test
    void pullRequestFromAForkBuildsItsHeadWithoutSecrets() {
        var request = queued("pull_request", Webhooks.payload(Webhooks.PULL_REQUEST));

        assertThat(request.repository().fullName()).isEqualTo("octo-org/hello-offstage");
        assertThat(request.sha()).isEqualTo("e3f1c0a9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3");
        assertThat(request.pullRequest()).isEqualTo(42);
        assertThat(request.ref()).isEqualTo("refs/pull/42/head");
        assertThat(request.branch()).isEqualTo("faster-tests");
        assertThat(request.fork()).isTrue();
        assertThat(request.title()).isEqualTo("Faster tests — für alle");
        assertThat(request.label()).isEqualTo("PR #42 (faster-tests)");
        assertThat(request.supersedeKey()).isEqualTo("octo-org/hello-offstage#pull/42");
    }

    @Test
    void pullRequestFromTheSameRepositoryIsNotAFork() {
        var payload = Webhooks.payload(Webhooks.PULL_REQUEST);
        var head = (ObjectNode) payload.get("pull_request").get("head");
        head.set("repo", payload.get("repository").deepCopy());

        assertThat(queued("pull_request", payload).fork()).isFalse();
    }

    @Test
    void pullRequestWhoseForkWasDeletedCountsAsAFork() {
        var payload = Webhooks.payload(Webhooks.PULL_REQUEST);
        ((ObjectNode) payload.get("pull_request").get("head")).putNull("repo");

        assertThat(queued("pull_request", payload).fork()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"opened", "synchronize", "reopened"})
    void pullRequestActionsThatBuild(String action) {
        var payload = Webhooks.payload(Webhooks.PULL_REQUEST);
        payload.put("action", action);

        assertThat(queued("pull_request", payload).pullRequest()).isEqualTo(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {"closed", "edited", "labeled", "ready_for_review", "assigned"})
    void otherPullRequestActionsDoNotBuild(String action) {
        var payload = Webhooks.payload(Webhooks.PULL_REQUEST);
        payload.put("action", action);

        assertThat(ignored(events, "pull_request", payload)).contains("'" + action + "'");
    }

    @Test
    void draftPullRequestsBuild() {
        var payload = Webhooks.payload(Webhooks.PULL_REQUEST);
        ((ObjectNode) payload.get("pull_request")).put("draft", true);

        assertThat(queued("pull_request", payload).pullRequest()).isEqualTo(42);
    }

    @Test
    void otherEventsAreIgnoredWithTheReason() {
        assertThat(ignored(events, "issues", Webhooks.payload(Webhooks.PUSH))).contains("'issues'");
    }

    @Test
    void forkPullRequestsAreIgnoredWhenForkBuildsAreOff() {
        var noForks = new WebhookEvents(new WebhookEvents.Rules(false, false, RepositoryFilter.parse("*")));

        assertThat(ignored(noForks, "pull_request", Webhooks.payload(Webhooks.PULL_REQUEST))).contains("fork builds are off");
    }

    @Test
    void repositoryOutsideTheAllowedOnesIsForbidden() {
        var onlyOthers = new WebhookEvents(new WebhookEvents.Rules(false, true, RepositoryFilter.parse("acme/*, octo-org/other")));
        var octoOrg = new WebhookEvents(new WebhookEvents.Rules(false, true, RepositoryFilter.parse("OCTO-ORG/*")));

        assertThatThrownBy(() -> onlyOthers.decide("push", "d", Webhooks.payload(Webhooks.PUSH)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("octo-org/hello-offstage");
                });
        assertThat(octoOrg.decide("push", "d", Webhooks.payload(Webhooks.PUSH))).isInstanceOf(WebhookEvents.Queue.class);
    }

    @Test
    void eventTimeAndPrivacyComeFromThePayload() {
        var push = Webhooks.payload(Webhooks.PUSH);
        ((ObjectNode) push.get("repository")).put("pushed_at", 1795764000).put("private", true);
        var pull = Webhooks.payload(Webhooks.PULL_REQUEST);
        ((ObjectNode) pull.get("pull_request")).put("updated_at", "2026-11-27T07:30:00Z");

        var pushed = queued("push", push);
        assertThat(pushed.eventTime()).isEqualTo(java.time.Instant.ofEpochSecond(1795764000));
        assertThat(pushed.privateRepository()).isTrue();
        assertThat(queued("pull_request", pull).eventTime()).isEqualTo(java.time.Instant.parse("2026-11-27T07:30:00Z"));
        assertThat(queued("pull_request", pull).privateRepository()).isFalse();
    }

    @Test
    void refsWithControlCharactersOrOverLongAreBadRequests() {
        var control = Webhooks.payload(Webhooks.PUSH);
        control.put("ref", "refs/heads/a\u0000b");
        var long_ = Webhooks.payload(Webhooks.PUSH);
        long_.put("ref", "refs/heads/" + "ü".repeat(600));

        assertRejected("push", control, "invalid_field", "'ref'");
        assertRejected("push", long_, "invalid_field", "'ref'");
    }

    @Test
    void pingIsAnswered() {
        var payload = (ObjectNode) Json.tree("{\"zen\":\"Keep it logically awesome.\",\"hook_id\":509876543}");

        assertThat(events.decide("ping", "d", payload)).isEqualTo(new WebhookEvents.Pong("509876543"));
    }

    @Test
    void missingFieldsAreBadRequests() {
        var noRef = Webhooks.payload(Webhooks.PUSH);
        noRef.remove("ref");
        var noRepository = Webhooks.payload(Webhooks.PUSH);
        noRepository.remove("repository");
        var noHead = Webhooks.payload(Webhooks.PULL_REQUEST);
        ((ObjectNode) noHead.get("pull_request")).remove("head");

        assertRejected("push", noRef, "missing_field", "'ref'");
        assertRejected("push", noRepository, "invalid_field", "'repository'");
        assertRejected("pull_request", noHead, "missing_field", "'head'");
    }

    @Test
    void wrongTypesAreBadRequests() {
        var numericRef = Webhooks.payload(Webhooks.PUSH);
        numericRef.put("ref", 42);
        var badSha = Webhooks.payload(Webhooks.PUSH);
        badSha.put("after", "not-a-sha");
        var badNumber = Webhooks.payload(Webhooks.PULL_REQUEST);
        ((ObjectNode) badNumber.get("pull_request")).put("number", "forty-two");
        var badRepository = Webhooks.payload(Webhooks.PUSH);
        ((ObjectNode) badRepository.get("repository")).put("full_name", "../../etc/passwd");

        assertRejected("push", numericRef, "invalid_field", "'ref'");
        assertRejected("push", badSha, "invalid_field", "'after'");
        assertRejected("pull_request", badNumber, "invalid_field", "number");
        assertRejected("push", badRepository, "invalid_field", "full_name");
        assertThatThrownBy(() -> events.decide("push", "d", Json.tree("[1,2]")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    private void assertRejected(String event, ObjectNode payload, String code, String mentions) {
        assertThatThrownBy(() -> events.decide(event, "d", payload))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(mentions);
                });
    }

    /** Past Instant's range (year 1 000 000 000): no time rather than a DateTimeException answered 500. */
    @Test
    void pushTimeOutsideTheCalendarIsLeftOut() {
        var payload = Webhooks.payload(Webhooks.PUSH);
        ((ObjectNode) payload.get("repository")).put("pushed_at", 4_611_686_018_427_387_904L);

        assertThat(queued("push", payload).eventTime()).isNull();
    }
}
