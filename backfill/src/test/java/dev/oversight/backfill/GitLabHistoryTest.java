package dev.oversight.backfill;

import static dev.oversight.backfill.GitHubStory.sha;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.backfill.gitlab.GitLabHistory;
import dev.oversight.backfill.http.ResponseCache;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.gitlab.GitLabNormalizer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a project's history from GitLab's REST API v4, served on loopback from GitLab's documented examples. */
class GitLabHistoryTest {

    static final Instant SINCE = Instant.parse("2026-07-01T00:00:00Z");
    static final Period QUARTER = new Period(SINCE, Instant.parse("2026-10-01T00:00:00Z"), List.of("production"));

    private FakeGitHub gitlab;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final GitLabStory story = new GitLabStory(Stories.quarter("acme/payments/ledger", SINCE));
    private final String p = "acme/payments/ledger/";
    private final String project = "projects/acme%2Fpayments%2Fledger";

    @BeforeEach
    void start() throws Exception {
        gitlab = FakeGitHub.startGitLab();
        story.serve(gitlab);
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    private GitLabHistory history(ResponseCache cache) {
        return history(cache, "test-token");
    }

    private GitLabHistory history(ResponseCache cache, String token) {
        RestClient api = new RestClient(Map.of("PRIVATE-TOKEN", token), RestClient.RateLimitHeaders.GITLAB, cache,
                waits::add, Clock.systemUTC(), RestClient.Listener.NONE);
        return new GitLabHistory(api, gitlab.base());
    }

    /** Each fact through ingest's own GitLab normalizer, as the backfill writes it: all accepted. */
    private static List<Evidence> evidence(List<Fact> facts) {
        List<Evidence> all = new ArrayList<>();
        for (Fact f : facts) {
            Normalized n = GitLabNormalizer.normalize(f.eventType(), f.deliveryId(), f.body(), f.occurredAt());
            assertThat(n).as(f.deliveryId()).isInstanceOf(Normalized.Accepted.class);
            all.addAll(((Normalized.Accepted) n).evidence());
        }
        return all;
    }

    private static String range(String p, String from, String to) {
        return sha(p + from).substring(0, 7) + ".." + sha(p + to).substring(0, 7);
    }

    @Test
    void readsThePeriodAndTheDeployBeforeItThroughEveryPage() throws Exception {
        gitlab.pageSize(1);
        History read = history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE);

        String id = "backfill:acme/payments/ledger:";
        assertThat(read.facts()).extracting(Fact::deliveryId).contains(id + "deployment:100:success",
                id + "deployment:101:success", id + "deployment:102:success",
                id + "merge_request:1000001:merge", id + "merge_request:1000002:open",
                id + "merge_request:1000003:update:31", id + "merge_request:1000003:approved:erin",
                id + "pipeline:5001:success", id + "pipeline:5002:failed")
                .as("the deploy before the previous one, and a change merged before the previous deploy, are not read")
                .doesNotContain(id + "deployment:99:success", id + "merge_request:1000009:merge")
                .doesNotHaveDuplicates();
        assertThat(read.facts()).extracting(Fact::occurredAt).isSorted();
        assertThat(read.deploys()).hasSize(2).allMatch(line -> line.contains("previous deploy: deployment 10"));
        assertThat(read.changes()).isEqualTo(3);
        assertThat(read.reviews()).isEqualTo(3);
        assertThat(read.unavailable()).as("the deploy before the period ran no pipeline in the story").singleElement()
                .asString().startsWith("deployed commits without a pipeline (" + sha(p + "s0").substring(0, 8) + ")");
        assertThat(gitlab.requests()).as("pages followed through Link headers")
                .anyMatch(r -> r.startsWith(project + "/deployments?") && r.contains("page=2"))
                .anyMatch(r -> r.startsWith(project + "/merge_requests?") && r.contains("page=3"));

        List<Evidence> evidence = evidence(read.facts());
        assertThat(evidence).filteredOn(PushEvent.class::isInstance).map(PushEvent.class::cast)
                .as("one push per push event, each by who pushed, as they reached main")
                .extracting(e -> e.before().substring(0, 7) + ".." + e.after().substring(0, 7) + " by "
                        + e.pusher().login())
                .containsExactly(range(p, "s0", "m1") + " by alice", range(p, "m1", "m2") + " by carol",
                        range(p, "m2", "m3") + " by dave", range(p, "m3", "d4") + " by mallory");
        assertThat(evidence).filteredOn(ReviewEvent.class::isInstance).map(ReviewEvent.class::cast)
                .as("approvals given before the merge are told with the merge request still open, on the head then")
                .allSatisfy(r -> assertThat(r.changeMerged()).isFalse())
                .allSatisfy(r -> assertThat(r.state()).isEqualTo(ReviewState.APPROVED))
                .extracting(r -> r.reviewer().login() + " on " + r.commitSha())
                .containsExactlyInAnyOrder("bob on " + sha(p + "h1"), "carol on " + sha(p + "h2"),
                        "erin on " + sha(p + "h3a"));
        assertThat(evidence).filteredOn(ChangeEvent.class::isInstance).map(ChangeEvent.class::cast)
                .filteredOn(c -> c.action() == ChangeAction.MERGED)
                .extracting(ChangeEvent::mergeSha).containsExactlyInAnyOrder(sha(p + "m1"), sha(p + "m2"),
                        sha(p + "m3"));
        assertThat(evidence).filteredOn(ChangeEvent.class::isInstance).map(ChangeEvent.class::cast)
                .filteredOn(c -> c.action() == ChangeAction.OPENED)
                .as("the author is known from the merge request's opening")
                .extracting(c -> c.author().login()).containsExactlyInAnyOrder("alice", "carol", "dave");
        assertThat(evidence).filteredOn(DeployEvent.class::isInstance).map(DeployEvent.class::cast)
                .extracting(DeployEvent::sha).containsExactly(sha(p + "s0"), sha(p + "m2"), sha(p + "d4"));
        assertThat(evidence).filteredOn(CiResult.class::isInstance).map(CiResult.class::cast)
                .extracting(c -> c.name() + " " + c.conclusion()).containsExactly("build SUCCESS", "build FAILURE");
    }

    @Test
    void aPushToAnotherBranchDoesNotNameWhoPushedToTheDeployedOne() throws Exception {
        // Before the push to main: the same commit pushed to a feature branch by someone else.
        GitHubStory.Commit m3 = story.story().commits.get(5);
        var events = dev.oversight.events.json.Json.mapper().createArrayNode();
        events.add(story.pushEvent(story.story().commits.get(4), new GitHubStory.Commit(m3.sha(), "zoe",
                m3.at().minusSeconds(600))));
        ((com.fasterxml.jackson.databind.node.ObjectNode) events.get(0).get("push_data")).put("ref", "zoe/fast");
        for (int i = 1; i < story.story().commits.size(); i++) {
            events.add(story.pushEvent(story.story().commits.get(i - 1), story.story().commits.get(i)));
        }
        gitlab.resolver(key -> key.startsWith(project + "/events?") ? events : null);

        History read = history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE);

        assertThat(evidence(read.facts())).filteredOn(PushEvent.class::isInstance).map(PushEvent.class::cast)
                .filteredOn(e -> e.after().equals(m3.sha())).singleElement()
                .satisfies(e -> assertThat(e.pusher().login()).isEqualTo("dave"));
    }

    @Test
    void followsXNextPageWhenThereIsNoLinkHeader() throws Exception {
        gitlab.pageSize(1).linkHeaders(false);
        History read = history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE);

        assertThat(read.changes()).isEqualTo(3);
        assertThat(gitlab.requests()).anyMatch(r -> r.startsWith(project + "/merge_requests?") && r.contains("page=3"));
    }

    @Test
    void waitsOutA429AndRetriesWhatFailedOnTheServer() throws Exception {
        gitlab.fail(project + "/merge_requests/2/approvals",
                new FakeGitHub.Failure(429, Map.of("Retry-After", "1", "RateLimit-Remaining", "0"),
                        "{\"message\":\"Retry later\"}"),
                new FakeGitHub.Failure(502, Map.of(), "{\"message\":\"502 Bad Gateway\"}"),
                new FakeGitHub.Failure(503, Map.of(), "{\"message\":\"503 Service Unavailable\"}"));
        History read = history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE);

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(read.facts()).extracting(Fact::deliveryId)
                .contains("backfill:acme/payments/ledger:merge_request:1000002:approved:carol");
        assertThat(gitlab.requests()).filteredOn(r -> r.startsWith(project + "/merge_requests/2/approvals")).hasSize(4);
    }

    @Test
    void waitsForTheQuotaToResetWhenItIsUsedUp() throws Exception {
        long reset = Instant.now().plusSeconds(120).getEpochSecond();
        gitlab.fail(project + "/merge_requests/1/versions", new FakeGitHub.Failure(429,
                Map.of("RateLimit-Remaining", "0", "RateLimit-Reset", String.valueOf(reset)),
                "{\"message\":\"Retry later\"}"));
        history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE);

        assertThat(waits).singleElement().satisfies(w -> assertThat(w).isBetween(Duration.ofSeconds(100),
                Duration.ofSeconds(122)));
    }

    @Test
    void asksAgainWithTheEntityTagsOfWhatItReadBefore(@TempDir Path dir) throws Exception {
        ResponseCache cache = ResponseCache.in(dir);
        List<Fact> first = history(cache).read("acme/payments/ledger", QUARTER, Progress.NONE).facts();
        int requests = gitlab.requests().size();
        List<Fact> again = history(cache).read("acme/payments/ledger", QUARTER, Progress.NONE).facts();

        assertThat(gitlab.notModified()).as("every answer of the second read was a 304").isEqualTo(requests);
        assertThat(again).extracting(Fact::deliveryId).isEqualTo(first.stream().map(Fact::deliveryId).toList());
    }

    @Test
    void anApprovalWithoutApprovedAtIsTimedByItsSystemNote() throws Exception {
        new GitLabStory(Stories.quarter("acme/old", SINCE)).withoutApprovalTimes().serve(gitlab);

        History read = history(ResponseCache.none()).read("acme/old", QUARTER, Progress.NONE);

        assertThat(read.unavailable()).noneMatch(note -> note.startsWith("approval"));
        assertThat(evidence(read.facts())).filteredOn(ReviewEvent.class::isInstance).map(ReviewEvent.class::cast)
                .extracting(r -> r.reviewer().login() + " on " + r.commitSha())
                .containsExactlyInAnyOrder("bob on " + sha("acme/old/h1"), "carol on " + sha("acme/old/h2"),
                        "erin on " + sha("acme/old/h3a"));
        assertThat(gitlab.requests()).anyMatch(r -> r.startsWith("projects/acme%2Fold/merge_requests/3/notes?"));
    }

    @Test
    void anApprovalGitLabGivesNoTimeForIsNamedAndNotImported() throws Exception {
        new GitLabStory(Stories.quarter("acme/old", SINCE)).withoutApprovalTimes().withoutApprovalNotes()
                .serve(gitlab);

        History read = history(ResponseCache.none()).read("acme/old", QUARTER, Progress.NONE);

        assertThat(read.unavailable()).filteredOn(note -> note.startsWith("approval")).hasSize(3)
                .anySatisfy(note -> assertThat(note).contains("approval of !3 by erin")
                        .contains("gives no time for it").contains("not imported"));
        assertThat(read.reviews()).isZero();
        assertThat(evidence(read.facts())).as("never counted, nor told with a time or commit made up")
                .noneMatch(ReviewEvent.class::isInstance);
    }

    @Test
    void aGroupIsReadWithItsSubgroups() throws Exception {
        var projects = dev.oversight.events.json.Json.mapper().createArrayNode();
        projects.add(GitLabStory.template("project").deepCopy());
        ((com.fasterxml.jackson.databind.node.ObjectNode) projects.get(0))
                .put("path_with_namespace", "acme/payments/ledger");
        gitlab.put("groups/acme/projects?include_subgroups=true&order_by=id&sort=asc", projects);

        assertThat(history(ResponseCache.none()).repositories("acme")).containsExactly("acme/payments/ledger");
    }

    @Test
    void theApiRootIsFoundFromGitLabsAddress() {
        assertThat(GitLabHistory.apiRoot(URI.create("https://gitlab.com")))
                .isEqualTo(URI.create("https://gitlab.com/api/v4/"));
        assertThat(GitLabHistory.apiRoot(URI.create("https://git.example.com/gitlab/api/v4/")))
                .isEqualTo(URI.create("https://git.example.com/gitlab/api/v4/"));
    }

    @Test
    void aRefusedTokenOrAMissingProjectStopsWithWhatToDo() {
        assertThatThrownBy(() -> history(ResponseCache.none(), "other").read("acme/payments/ledger", QUARTER,
                Progress.NONE)).hasMessageContaining("refused the token (401): 401 Unauthorized");
        gitlab.fail(project + "/deployments?environment=production&order_by=created_at&sort=desc",
                new FakeGitHub.Failure(403, Map.of(), "{\"message\":\"403 Forbidden\"}"));
        assertThatThrownBy(() -> history(ResponseCache.none()).read("acme/payments/ledger", QUARTER, Progress.NONE))
                .hasMessageContaining("refused access (403)");
        assertThatThrownBy(() -> history(ResponseCache.none()).read("acme/nothing", QUARTER, Progress.NONE))
                .hasMessageContaining("not found (404)").hasMessageContaining("projects/acme/nothing");
        assertThat(waits).isEmpty();
    }
}
