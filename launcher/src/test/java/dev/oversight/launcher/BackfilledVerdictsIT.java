package dev.oversight.launcher;

import static dev.oversight.backfill.GitHubStory.sha;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.backfill.FakeGitHub;
import dev.oversight.backfill.GitHubStory;
import dev.oversight.backfill.GitLabStory;
import dev.oversight.backfill.Stories;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.Settings;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One story told two ways to one running Oversight: as the signed webhooks GitHub sent at the time (repository
 * acme/live), and read afterwards from GitHub's REST API by {@code oversight backfill github} (acme/imported, the
 * API served on loopback from GitHub's published examples). The verdicts of the period's deploys are the same. And
 * the same for GitLab: its hooks (project acme/gitlab/live) and {@code oversight backfill gitlab} reading its API v4
 * (acme/gitlab/imported, served from GitLab's documented examples).
 */
@ExtendWith(RealKafka.class)
class BackfilledVerdictsIT {

    private static final String SECRET = "backfill-e2e-secret";
    private static final String GITLAB_TOKEN = "backfill-e2e-gitlab-token";
    private static final String PREFIX = "it-backfill-e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final Instant SINCE = Instant.parse("2026-07-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;
    private static Platform platform;
    private static Map<String, String> settings;

    @BeforeAll
    static void start() throws Exception {
        settings = new HashMap<>(EndToEndIT.settings(PREFIX, dataDir, SECRET, "backfill-e2e"));
        settings.put("OVERSIGHT_GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN);
        platform = Platform.start(Settings.of(settings));
        assertThat(platform.awaitReady(Duration.ofSeconds(90))).as("platform ready").isTrue();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** The story as the webhooks told it, in the order GitHub sent them, from the deploy before the period on. */
    private static void sendAsWebhooks(GitHubStory story) throws Exception {
        GitHubPayloads github = new GitHubPayloads(story.fullName());
        List<Timed<GitHubPayloads.Delivery>> deliveries = new ArrayList<>();
        for (GitHubStory.Deploy d : story.deploys) {
            if (d.id() >= 100) {
                deliveries.add(new Timed<>(d.at(), github.deploymentStatus(d.id(), d.sha(), d.environment(),
                        d.creator(), d.state(), d.at())));
            }
        }
        for (GitHubStory.Pull pull : story.pulls) {
            if (pull.number() == 9) {
                continue; // merged before the deploy before the period: neither way tells it
            }
            String firstHead = pull.reviews().get(0).commitId();
            deliveries.add(new Timed<>(pull.createdAt(), github.pullRequest("opened", pull.number(), pull.title(),
                    pull.author(), firstHead, null, null, pull.createdAt())));
            for (GitHubStory.Review r : pull.reviews()) {
                deliveries.add(new Timed<>(r.at(), github.review(pull.number(), pull.author(), r.reviewer(),
                        r.state().toLowerCase(java.util.Locale.ROOT), r.commitId(), r.at())));
            }
            if (!firstHead.equals(pull.headSha())) {
                Instant pushed = pull.reviews().get(0).at().plusSeconds(3600);
                deliveries.add(new Timed<>(pushed, github.pullRequest("synchronize", pull.number(), pull.title(),
                        pull.author(), pull.headSha(), null, null, pushed)));
            }
            deliveries.add(new Timed<>(pull.mergedAt(), github.pullRequest("closed", pull.number(), pull.title(),
                    pull.author(), pull.headSha(), pull.mergeSha(), pull.author(), pull.mergedAt())));
        }
        List<GitHubStory.Commit> main = story.commits;
        for (int i = 1; i < main.size(); i++) {
            GitHubStory.Commit c = main.get(i);
            if (!c.at().isBefore(SINCE.minus(Duration.ofDays(15)))) {
                deliveries.add(new Timed<>(c.at(), github.push("main", main.get(i - 1).sha(), c.sha(), c.author(),
                        List.of(c.sha()), List.of("ledger/" + c.author() + ".txt"), c.at())));
            }
        }
        for (GitHubStory.Check c : story.checks) {
            deliveries.add(new Timed<>(c.at(), github.checkRun(c.name(), c.sha(), c.conclusion(), c.at())));
        }
        URI url = URI.create("http://127.0.0.1:" + platform.httpPort() + "/webhooks/github");
        post(deliveries, d -> d.request(url, SECRET), GitHubPayloads.Delivery::description);
    }

    private record Timed<D>(Instant at, D delivery) {}

    /** Posts the deliveries in the order they happened; each must be accepted. */
    private static <D> void post(List<Timed<D>> deliveries, java.util.function.Function<D, HttpRequest> request,
                                 java.util.function.Function<D, String> description) throws Exception {
        deliveries.sort(Comparator.comparing(Timed::at));
        for (Timed<D> t : deliveries) {
            HttpResponse<String> response = HTTP.send(request.apply(t.delivery()), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(description.apply(t.delivery()) + ": " + response.body())
                    .isEqualTo(202);
        }
    }

    private static List<Verdict> finalVerdicts(List<String> deployIds) {
        try (TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            return verdicts.await(list -> deployIds.stream().allMatch(id -> list.stream()
                            .anyMatch(v -> v.deployId().equals(id) && v.status().isFinal())), Duration.ofSeconds(90))
                    .stream().filter(v -> deployIds.contains(v.deployId()) && v.status().isFinal()).toList();
        }
    }

    /** What a verdict says, without what names the repository, the deliveries or the moment it was decided. */
    private static String shape(Verdict v, String repository) {
        String[] parts = {
                v.deployId().replace(repository, "R"), v.status().name(), v.environment(), v.sha(),
                String.valueOf(v.previousSha()),
                v.reasons().stream().map(r -> r.code() + ": " + r.detail()).sorted().toList().toString(),
                v.changes().stream().map(c -> c.id().replace(repository, "R") + " by " + c.author() + " approved by "
                        + c.approvers() + " head " + c.headSha() + " merge " + c.mergeSha()).sorted().toList().toString(),
                v.ci().stream().map(c -> c.name() + " " + c.conclusion() + " " + c.sha()).sorted().toList().toString(),
                v.policy().name()};
        return String.join(" | ", parts);
    }

    @Test
    void backfilledVerdictsAreTheVerdictsOfTheSameStoryLive() throws Exception {
        // The same story in two repositories: every commit differs, so each repository's shas are made equal below.
        GitHubStory live = Stories.quarter("acme/live", SINCE);
        GitHubStory imported = Stories.quarter("acme/imported", SINCE);
        sendAsWebhooks(live);

        try (FakeGitHub github = FakeGitHub.start()) {
            imported.serve(github);
            github.pageSize(3);
            Map<String, String> env = new HashMap<>(settings);
            env.put("OVERSIGHT_GITHUB_TOKEN", "test-token");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = BackfillCommand.run(new String[] {"github", "--repository", "acme/imported",
                    "--since", "2026-07-01", "--until", "2026-09-30", "--environment", "production",
                    "--api-url", github.api().toString()}, Settings.of(env),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    d -> { });
            assertThat(status).as(out + "\n" + err).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("backfill of 1 repositories");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("acme/imported: 2 deploys, 3 pull requests");
        }

        List<Verdict> verdicts = sameVerdicts("github", live, imported);
        assertThat(verdicts.get(1).reasons()).filteredOn(r -> r.code() == ReasonCode.DIRECT_PUSH).singleElement()
                .satisfies(r -> assertThat(r.detail()).startsWith("mallory pushed"));
        assertThat(verdicts.get(0).changes()).extracting(Verdict.ChangeSummary::id)
                .containsExactlyInAnyOrder("github:acme/imported#1", "github:acme/imported#2");
    }

    /**
     * The final verdicts of deploys 101 and 102 of both stories, the same once each repository's name and commits are
     * written as the other's; returns the imported ones (101, 102), after checking what they say of the story.
     */
    private static List<Verdict> sameVerdicts(String source, GitHubStory live, GitHubStory imported) {
        String liveRepo = source + ":" + live.fullName();
        String importedRepo = source + ":" + imported.fullName();
        List<String> ids = new ArrayList<>();
        for (String repo : List.of(liveRepo, importedRepo)) {
            for (long id : List.of(101L, 102L)) {
                ids.add(repo + "/deployments/" + id);
            }
        }
        List<Verdict> verdicts = finalVerdicts(ids);
        List<String> liveShapes = verdicts.stream().filter(v -> v.repository().equals(liveRepo))
                .map(v -> shape(v, liveRepo)).sorted().toList();
        List<String> importedShapes = verdicts.stream().filter(v -> v.repository().equals(importedRepo))
                .map(v -> shape(v, importedRepo)).sorted().toList();
        assertThat(liveShapes).hasSize(2);
        assertThat(normalize(importedShapes, imported, live)).isEqualTo(liveShapes);

        String p = imported.fullName() + "/";
        Verdict second = verdicts.stream().filter(v -> v.deployId().equals(importedRepo + "/deployments/102"))
                .findFirst().orElseThrow();
        assertThat(second.status()).isEqualTo(VerdictStatus.VIOLATION);
        assertThat(second.previousSha()).isEqualTo(sha(p + "m2"));
        assertThat(second.reasons()).extracting(Verdict.Reason::code)
                .contains(ReasonCode.STALE_APPROVAL, ReasonCode.CI_FAILED, ReasonCode.DIRECT_PUSH);
        Verdict first = verdicts.stream().filter(v -> v.deployId().equals(importedRepo + "/deployments/101"))
                .findFirst().orElseThrow();
        assertThat(first.previousSha()).as("the deploy before the period, not the repository's root")
                .isEqualTo(sha(p + "s0"));
        assertThat(first.changes()).hasSize(2);
        assertThat(first.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.SELF_APPROVAL);
        return List.of(first, second);
    }

    /**
     * The story as GitLab's hooks told it, in the order GitLab sent them, from the deploy before the period on: a
     * merge request opened on its first head, approved, updated with a new head, merged; a push per commit; a
     * pipeline per check; each deploy's final status.
     */
    private static void sendAsGitLabHooks(GitHubStory story) throws Exception {
        GitLabWebhooks gitlab = new GitLabWebhooks(story.fullName());
        List<Timed<GitLabWebhooks.Delivery>> deliveries = new ArrayList<>();
        for (GitHubStory.Deploy d : story.deploys) {
            if (d.id() >= 100) {
                deliveries.add(new Timed<>(d.at(), gitlab.deployment(d.id(), d.sha(), d.environment(),
                        d.creator(), "success".equals(d.state()) ? "success" : "failed", d.at())));
            }
        }
        for (GitHubStory.Pull pull : story.pulls) {
            if (pull.number() == 9) {
                continue; // merged before the deploy before the period: neither way tells it
            }
            String firstHead = GitLabStory.firstHead(pull);
            deliveries.add(new Timed<>(pull.createdAt(), gitlab.mergeRequest("open", "opened", pull.number(),
                    pull.title(), pull.author(), pull.author(), firstHead, null, null, pull.createdAt())));
            for (GitHubStory.Review r : pull.reviews()) {
                deliveries.add(new Timed<>(r.at(), gitlab.mergeRequest("approved", "opened", pull.number(),
                        pull.title(), pull.author(), r.reviewer(), r.commitId(), null, null, r.at())));
            }
            if (!firstHead.equals(pull.headSha())) {
                Instant pushed = GitLabStory.pushedAt(pull);
                deliveries.add(new Timed<>(pushed, gitlab.mergeRequest("update", "opened", pull.number(),
                        pull.title(), pull.author(), pull.author(), pull.headSha(), firstHead, null, pushed)));
            }
            deliveries.add(new Timed<>(pull.mergedAt(), gitlab.mergeRequest("merge", "merged", pull.number(),
                    pull.title(), pull.author(), pull.author(), pull.headSha(), null, pull.mergeSha(),
                    pull.mergedAt())));
        }
        List<GitHubStory.Commit> main = story.commits;
        for (int i = 1; i < main.size(); i++) {
            GitHubStory.Commit c = main.get(i);
            if (!c.at().isBefore(SINCE.minus(Duration.ofDays(15)))) {
                deliveries.add(new Timed<>(c.at(), gitlab.push(main.get(i - 1).sha(), c.sha(), c.author(),
                        "ledger/" + c.author() + ".txt", c.at())));
            }
        }
        for (GitHubStory.Check c : story.checks) {
            deliveries.add(new Timed<>(c.at(), gitlab.pipeline(c.id(), c.name(), c.sha(),
                    GitLabStory.status(c.conclusion()), c.at())));
        }
        URI url = URI.create("http://127.0.0.1:" + platform.httpPort() + "/webhooks/gitlab");
        post(deliveries, d -> d.request(url, GITLAB_TOKEN), GitLabWebhooks.Delivery::description);
    }

    @Test
    void backfilledGitLabVerdictsAreTheVerdictsOfTheSameStoryLive() throws Exception {
        GitHubStory live = Stories.quarter("acme/gitlab/live", SINCE);
        GitHubStory imported = Stories.quarter("acme/gitlab/imported", SINCE);
        sendAsGitLabHooks(live);

        try (FakeGitHub gitlab = FakeGitHub.startGitLab()) {
            new GitLabStory(imported).serve(gitlab);
            gitlab.pageSize(3);
            Map<String, String> env = new HashMap<>(settings);
            env.put("OVERSIGHT_GITLAB_TOKEN", "test-token");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = BackfillCommand.run(new String[] {"gitlab", "--project", "acme/gitlab/imported",
                    "--since", "2026-07-01", "--until", "2026-09-30", "--environment", "production",
                    "--api-url", gitlab.base().toString()}, Settings.of(env),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    d -> { });
            assertThat(status).as(out + "\n" + err).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("backfill of 1 projects");
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("acme/gitlab/imported: 2 deploys, 3 merge requests (3 approvals), 2 pipelines");
        }

        List<Verdict> verdicts = sameVerdicts("gitlab", live, imported);
        assertThat(verdicts.get(1).reasons()).filteredOn(r -> r.code() == ReasonCode.DIRECT_PUSH).singleElement()
                .satisfies(r -> assertThat(r.detail()).as("the pusher, from the project's push events")
                        .startsWith("mallory pushed"));
        assertThat(verdicts.get(0).changes()).extracting(Verdict.ChangeSummary::id)
                .containsExactlyInAnyOrder("gitlab:acme/gitlab/imported!1", "gitlab:acme/gitlab/imported!2");
    }

    @Test
    void evidenceGitHubNoLongerHasIsUnavailableInTheVerdictNeverAPass() throws Exception {
        // The same story, a year and a half ago: the last deploy's commit has no check run or status any more (GitHub
        // keeps them 400 days), and the commit change #3 was reviewed on is gone (GitHub answers its commit_id null).
        Instant since = Instant.parse("2025-07-01T00:00:00Z");
        GitHubStory story = Stories.quarter("acme/forgotten", since);
        String d4 = sha("acme/forgotten/d4");
        story.checks.removeIf(c -> c.sha().equals(d4));
        try (FakeGitHub github = FakeGitHub.start()) {
            story.serve(github);
            GitHubStory.Pull third = story.pulls.stream().filter(p -> p.number() == 3).findFirst().orElseThrow();
            com.fasterxml.jackson.databind.node.ObjectNode review = story.review(third, third.reviews().get(0));
            review.putNull("commit_id");
            github.put("repos/acme/forgotten/pulls/3/reviews",
                    dev.oversight.events.json.Json.mapper().createArrayNode().add(review));
            Map<String, String> env = new HashMap<>(settings);
            env.put("OVERSIGHT_GITHUB_TOKEN", "test-token");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = BackfillCommand.run(new String[] {"github", "--repository", "acme/forgotten",
                    "--since", "2025-07-01", "--until", "2025-09-30", "--environment", "production",
                    "--api-url", github.api().toString()}, Settings.of(env),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                            StandardCharsets.UTF_8), d -> { });
            assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("no longer on GitHub: review 31 of #3 by erin")
                    .contains("no longer on GitHub: commit " + d4.substring(0, 7));
        }

        Verdict last = finalVerdicts(List.of("github:acme/forgotten/deployments/102")).get(0);
        assertThat(last.status()).isEqualTo(VerdictStatus.VIOLATION);
        assertThat(last.reasons()).extracting(Verdict.Reason::code)
                .contains(ReasonCode.EVIDENCE_UNAVAILABLE, ReasonCode.DIRECT_PUSH)
                .doesNotContain(ReasonCode.STALE_APPROVAL, ReasonCode.CI_FAILED, ReasonCode.CI_MISSING);
        assertThat(last.reasons()).filteredOn(r -> r.code() == ReasonCode.EVIDENCE_UNAVAILABLE)
                .extracting(Verdict.Reason::detail)
                .anySatisfy(d -> assertThat(d).contains("approved by erin on a commit the source no longer has"))
                .anySatisfy(d -> assertThat(d).contains("the checks on " + d4.substring(0, 7) + " cannot be shown"));
        assertThat(last.ci()).extracting(c -> c.name() + " " + c.conclusion()).containsExactly("* unavailable");
        assertThat(last.changes()).filteredOn(c -> c.id().endsWith("#3")).singleElement()
                .satisfies(c -> assertThat(c.approvers()).isEmpty());
    }

    /** The imported repository's shas written as the live one's, so the two stories read the same. */
    private static List<String> normalize(List<String> shapes, GitHubStory from, GitHubStory to) {
        String f = from.fullName() + "/";
        String t = to.fullName() + "/";
        List<String> seeds = List.of("old", "m9", "s0", "m1", "m2", "m3", "d4", "h1", "h2", "h3a", "h3b", "h9");
        List<String> out = new ArrayList<>();
        for (String shape : shapes) {
            String s = shape;
            for (String seed : seeds) { // whole commits first, then the short forms reasons name
                s = s.replace(sha(f + seed), sha(t + seed));
            }
            for (String seed : seeds) {
                s = s.replace(sha(f + seed).substring(0, 7), sha(t + seed).substring(0, 7));
            }
            out.add(s);
        }
        return out.stream().sorted().toList();
    }
}
