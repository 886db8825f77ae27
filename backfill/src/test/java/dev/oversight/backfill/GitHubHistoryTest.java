package dev.oversight.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oversight.backfill.github.GitHubHistory;
import dev.oversight.backfill.http.ResponseCache;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.ingest.Normalized;
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

/** Reading a repository's history from GitHub's REST API, served on loopback from GitHub's published examples. */
class GitHubHistoryTest {

    static final Instant SINCE = Instant.parse("2026-07-01T00:00:00Z");
    static final Period QUARTER = new Period(SINCE, Instant.parse("2026-10-01T00:00:00Z"), List.of("production"));

    private FakeGitHub github;
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final GitHubStory story = Stories.quarter("acme/ledger", SINCE);
    private final String p = "acme/ledger/";

    @BeforeEach
    void start() throws Exception {
        github = FakeGitHub.start();
        story.serve(github);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    private GitHubHistory history(ResponseCache cache) {
        RestClient api = new RestClient(Map.of("Authorization", "Bearer test-token"), RestClient.RateLimitHeaders.GITHUB,
                cache, waits::add, Clock.systemUTC(), RestClient.Listener.NONE);
        return new GitHubHistory(api, github.api());
    }

    private static List<Evidence> evidence(List<Fact> facts) {
        List<Evidence> all = new ArrayList<>();
        for (Fact f : facts) {
            Normalized n = GitHubHistory.normalize(f, Instant.now());
            assertThat(n).as(f.deliveryId()).isInstanceOf(Normalized.Accepted.class);
            all.addAll(((Normalized.Accepted) n).evidence());
        }
        return all;
    }

    @Test
    void readsThePeriodAndTheDeployBeforeItThroughEveryPage() throws Exception {
        github.pageSize(1);
        History read = history(ResponseCache.none()).read("acme/ledger", QUARTER, Progress.NONE);

        String id = "backfill:acme/ledger:";
        assertThat(read.facts()).extracting(Fact::deliveryId).contains(id + "deployment:100",
                id + "deployment_status:1100", id + "deployment_status:1101", id + "deployment_status:1102",
                id + "pull_request:1000001:merged", id + "pull_request:1000002:merged",
                id + "pull_request:1000003:merged", id + "pull_request_review:11", id + "pull_request_review:21",
                id + "pull_request_review:31", id + "check_run:5001", id + "check_run:5002")
                .as("the deploy before the previous one, and a change merged before the previous deploy, are not read")
                .doesNotContain(id + "deployment:99", id + "deployment_status:1099", id + "pull_request:1000009:merged",
                        id + "pull_request_review:91")
                .doesNotHaveDuplicates();
        assertThat(read.facts()).extracting(Fact::occurredAt).isSorted();
        assertThat(read.deploys()).hasSize(2).allMatch(line -> line.contains("previous deploy: deployment 10"));
        assertThat(github.requests()).as("pages followed through Link headers")
                .anyMatch(r -> r.startsWith("repos/acme/ledger/deployments?") && r.contains("page=2"))
                .anyMatch(r -> r.startsWith("repos/acme/ledger/pulls?") && r.contains("page=3"));

        List<Evidence> evidence = evidence(read.facts());
        assertThat(evidence).filteredOn(PushEvent.class::isInstance).map(PushEvent.class::cast)
                .extracting(e -> e.before().substring(0, 7) + ".." + e.after().substring(0, 7))
                .as("one push per merged pull request, and the direct push on its own, as they reached main")
                .containsExactly(
                        GitHubStory.sha(p + "s0").substring(0, 7) + ".." + GitHubStory.sha(p + "m1").substring(0, 7),
                        GitHubStory.sha(p + "m1").substring(0, 7) + ".." + GitHubStory.sha(p + "m2").substring(0, 7),
                        GitHubStory.sha(p + "m2").substring(0, 7) + ".." + GitHubStory.sha(p + "m3").substring(0, 7),
                        GitHubStory.sha(p + "m3").substring(0, 7) + ".." + GitHubStory.sha(p + "d4").substring(0, 7));
        assertThat(evidence).filteredOn(ReviewEvent.class::isInstance).map(ReviewEvent.class::cast)
                .as("reviews given before the merge are told with the pull request still open")
                .allSatisfy(r -> assertThat(r.changeMerged()).isFalse())
                .extracting(ReviewEvent::commitSha).contains(GitHubStory.sha(p + "h3a"));
        assertThat(evidence).filteredOn(ChangeEvent.class::isInstance).map(ChangeEvent.class::cast)
                .extracting(ChangeEvent::mergeSha).containsExactlyInAnyOrder(GitHubStory.sha(p + "m1"),
                        GitHubStory.sha(p + "m2"), GitHubStory.sha(p + "m3"));
    }

    @Test
    void waitsOutASecondaryRateLimitAndRetriesWhatFailedOnTheServer() throws Exception {
        github.fail("repos/acme/ledger/pulls/2/reviews",
                new FakeGitHub.Failure(403, Map.of("Retry-After", "7"),
                        "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}"),
                new FakeGitHub.Failure(403, Map.of(),
                        "{\"message\":\"You have exceeded a secondary rate limit and have been temporarily blocked.\"}"),
                new FakeGitHub.Failure(502, Map.of(), "{\"message\":\"Server Error\"}"),
                new FakeGitHub.Failure(503, Map.of(), "{\"message\":\"Service Unavailable\"}"));
        History read = history(ResponseCache.none()).read("acme/ledger", QUARTER, Progress.NONE);

        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofMinutes(1), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertThat(read.facts()).extracting(Fact::deliveryId).contains("backfill:acme/ledger:pull_request_review:21");
        assertThat(github.requests()).filteredOn(r -> r.startsWith("repos/acme/ledger/pulls/2/reviews")).hasSize(5);
    }

    @Test
    void waitsForTheQuotaToResetWhenItIsUsedUp() throws Exception {
        long reset = Instant.now().plusSeconds(120).getEpochSecond();
        github.fail("repos/acme/ledger/pulls/1/reviews", new FakeGitHub.Failure(403,
                Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", String.valueOf(reset)),
                "{\"message\":\"API rate limit exceeded\"}"));
        history(ResponseCache.none()).read("acme/ledger", QUARTER, Progress.NONE);

        assertThat(waits).singleElement().satisfies(w -> assertThat(w).isBetween(Duration.ofSeconds(100),
                Duration.ofSeconds(122)));
    }

    @Test
    void asksAgainWithTheEntityTagsOfWhatItReadBefore(@TempDir Path dir) throws Exception {
        ResponseCache cache = ResponseCache.in(dir);
        List<Fact> first = history(cache).read("acme/ledger", QUARTER, Progress.NONE).facts();
        int requests = github.requests().size();
        List<Fact> again = history(cache).read("acme/ledger", QUARTER, Progress.NONE).facts();

        assertThat(github.notModified()).as("every answer of the second read was a 304").isEqualTo(requests);
        assertThat(again).extracting(Fact::deliveryId).isEqualTo(first.stream().map(Fact::deliveryId).toList());
    }

    @Test
    void aReviewWhoseCommitIsGoneIsSaidSoAndDoesNotCountOnTheFinalHead() throws Exception {
        GitHubStory.Pull first = story.pulls.stream().filter(pr -> pr.number() == 1).findFirst().orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode gone = story.review(first, first.reviews().get(0));
        gone.putNull("commit_id"); // what GitHub answers once the commit was garbage collected or force-pushed away
        github.put("repos/acme/ledger/pulls/1/reviews", dev.oversight.events.json.Json.mapper().createArrayNode().add(gone));

        History read = history(ResponseCache.none()).read("acme/ledger", QUARTER, Progress.NONE);

        assertThat(read.unavailable()).singleElement().asString()
                .contains("review 11 of #1 by bob").contains("gone from GitHub");
        assertThat(evidence(read.facts())).filteredOn(ReviewEvent.class::isInstance).map(ReviewEvent.class::cast)
                .filteredOn(r -> r.number() == 1).singleElement()
                .satisfies(r -> assertThat(r.commitSha()).isNull())
                .satisfies(r -> assertThat(r.commitUnavailable()).as("said to be unavailable in the evidence").isTrue());
        assertThat(evidence(read.facts())).filteredOn(ReviewEvent.class::isInstance).map(ReviewEvent.class::cast)
                .filteredOn(r -> r.number() != 1).isNotEmpty()
                .allSatisfy(r -> assertThat(r.commitUnavailable()).isFalse());
    }

    @Test
    void aDeployedCommitWhoseChecksArePastGitHubsRetentionHasThemUnavailable() throws Exception {
        // A quarter more than 400 days ago: the deploy before it (of s0) has no check run or status any more.
        Instant since = Instant.parse("2025-07-01T00:00:00Z");
        GitHubStory old = Stories.quarter("acme/archive", since);
        old.serve(github);
        Period quarter = new Period(since, since.plus(Duration.ofDays(92)), List.of("production"));

        History read = history(ResponseCache.none()).read("acme/archive", quarter, Progress.NONE);

        String s0 = GitHubStory.sha("acme/archive/s0");
        assertThat(read.unavailable()).singleElement().asString().contains("commit " + s0.substring(0, 7))
                .contains("400 days");
        assertThat(read.facts()).filteredOn(f -> f.eventType().equals(GitHubHistory.CHECKS_UNAVAILABLE))
                .singleElement().satisfies(f -> assertThat(f.body().path("sha").asText()).isEqualTo(s0));
        List<CiResult> checks = evidence(read.facts()).stream().filter(CiResult.class::isInstance)
                .map(CiResult.class::cast).toList();
        assertThat(checks).filteredOn(c -> c.conclusion() == CiResult.CiConclusion.UNAVAILABLE).singleElement()
                .satisfies(c -> {
                    assertThat(c.sha()).isEqualTo(s0);
                    assertThat(c.name()).isEqualTo(CiResult.EVERY_CHECK);
                    assertThat(c.repository()).isEqualTo("github:acme/archive");
                });
        // Commits whose checks GitHub still answered have them, and no unavailable mark.
        assertThat(checks).filteredOn(c -> c.conclusion() != CiResult.CiConclusion.UNAVAILABLE)
                .extracting(CiResult::sha).containsOnly(GitHubStory.sha("acme/archive/m2"),
                        GitHubStory.sha("acme/archive/d4"));
    }

    @Test
    void aRefusedTokenOrAMissingRepositoryStopsWithWhatToDo() {
        RestClient wrongToken = new RestClient(Map.of("Authorization", "Bearer other"),
                RestClient.RateLimitHeaders.GITHUB, ResponseCache.none(), waits::add, Clock.systemUTC(),
                RestClient.Listener.NONE);
        assertThatThrownBy(() -> new GitHubHistory(wrongToken, github.api()).read("acme/ledger", QUARTER, Progress.NONE))
                .hasMessageContaining("refused the token (401): Bad credentials");
        assertThatThrownBy(() -> history(ResponseCache.none()).read("acme/nothing", QUARTER, Progress.NONE))
                .hasMessageContaining("not found (404)").hasMessageContaining("acme/nothing");
        assertThat(waits).isEmpty();
    }
}
