package dev.oversight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.backfill.Backfill;
import dev.oversight.backfill.FakeGitHub;
import dev.oversight.backfill.GitHubStory;
import dev.oversight.backfill.GitLabStory;
import dev.oversight.backfill.Period;
import dev.oversight.backfill.Progress;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import dev.oversight.launcher.EmbeddedKafka;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Imports a repository of {@code pulls} merged pull requests (default 10,000), each with a review, deployed a hundred
 * at a time, each deployed commit with two check runs and a commit status, from a GitHub API on loopback
 * ({@code FakeGitHub}, answers made from GitHub's published examples one page at a time) into a real broker (embedded,
 * or {@code KAFKA_BOOTSTRAP_SERVERS}), and prints the import rate and what GitHub's rate limit would make of it. With
 * {@code gitlab}, the same history as merge requests (a diff version and an approval each), push events and
 * pipelines, from a GitLab API v4 on loopback.
 *
 * <p>{@code java … dev.oversight.bench.BackfillBenchmark [github|gitlab] [pulls]}.
 */
public final class BackfillBenchmark {

    private static final String REPO = "acme/bench";
    private static final int PER_DEPLOY = 100;
    /** GitHub's primary rate limit for a token (requests an hour). */
    private static final int GITHUB_LIMIT = 5_000;
    /** GitLab.com's limit for an authenticated user's API requests, 2,000 a minute, as requests an hour. */
    private static final int GITLAB_LIMIT = 2_000 * 60;

    private BackfillBenchmark() {}

    public static void main(String[] args) throws Exception {
        boolean gitlab = args.length > 0 && args[0].equals("gitlab");
        int at = gitlab || (args.length > 0 && args[0].equals("github")) ? 1 : 0;
        int pulls = args.length > at ? Integer.parseInt(args[at]) : 10_000;
        int deploys = pulls / PER_DEPLOY;
        Instant since = Instant.parse("2026-07-01T00:00:00Z");
        GitHubStory story = new GitHubStory(REPO);
        Map<String, Integer> commitIndex = new HashMap<>();
        commitIndex.put(GitHubStory.sha("base"), 0);
        for (int i = 1; i <= pulls; i++) {
            commitIndex.put(merge(i), i);
        }
        // Deploy 0 is the one before the period; deploy k ships pull requests up to k * 100.
        GitHubStory.Deploy[] line = new GitHubStory.Deploy[deploys + 1];
        line[0] = new GitHubStory.Deploy(1000, 5000, GitHubStory.sha("base"), "production", "deployer", "success",
                since.minus(Duration.ofDays(1)));
        for (int k = 1; k <= deploys; k++) {
            line[k] = new GitHubStory.Deploy(1000 + k, 5000 + k, merge(k * PER_DEPLOY), "production", "deployer",
                    "success", mergedAt(since, k * PER_DEPLOY).plusSeconds(30));
        }
        Period period = new Period(since, since.plus(Duration.ofDays(365)), List.of("production"));
        try (FakeGitHub api = gitlab ? FakeGitHub.startGitLab() : FakeGitHub.start()) {
            if (gitlab) {
                serveGitLab(api, new GitLabStory(story), pulls, deploys, since, period, line, commitIndex);
            } else {
                serveGitHub(api, story, pulls, deploys, since, line, commitIndex);
            }
            run(gitlab ? Source.GITLAB : Source.GITHUB, gitlab ? api.base() : api.api(), period, pulls, deploys);
        }
    }

    private static void serveGitHub(FakeGitHub github, GitHubStory story, int pulls, int deploys, Instant since,
                                    GitHubStory.Deploy[] line, Map<String, Integer> commitIndex) {
        ObjectNode repository = Json.mapper().createObjectNode().put("id", 1).put("name", "bench")
                .put("full_name", REPO).put("default_branch", "main");
        repository.putObject("owner").put("login", "acme");
        github.put("repos/" + REPO, repository);
        github.putGenerated("repos/" + REPO + "/deployments?environment=production", deploys + 1,
                i -> story.deployment(line[deploys - i]));
        github.putGenerated("repos/" + REPO + "/pulls?direction=desc&sort=updated&state=closed", pulls,
                i -> story.pull(pull(since, pulls - i)));
        github.resolver(key -> resolve(key, story, since, line, commitIndex));
    }

    /**
     * The same history as GitLab's API v4 answers it: merge requests (a diff version and an approval each, with
     * {@code approved_at}), a push event per merge, deployments, comparisons, two pipelines per deployed commit.
     */
    private static void serveGitLab(FakeGitHub gitlab, GitLabStory story, int pulls, int deploys, Instant since,
                                    Period period, GitHubStory.Deploy[] line, Map<String, Integer> commitIndex) {
        String project = story.project();
        ObjectNode found = Json.mapper().createObjectNode().put("id", 1).put("name", "bench")
                .put("path_with_namespace", REPO).put("default_branch", "main")
                .put("web_url", GitLabStory.web(REPO));
        gitlab.put(project, found);
        gitlab.putGenerated(project + "/deployments?environment=production&order_by=created_at&sort=desc",
                deploys + 1, i -> story.deployment(line[deploys - i]));
        Instant lower = line[0].at();
        gitlab.putGenerated(project + "/merge_requests?order_by=updated_at&sort=desc&state=merged&updated_after="
                + lower, pulls, i -> story.mergeRequest(pull(since, pulls - i)));
        gitlab.putGenerated(project + "/events?action=pushed&after=" + day(lower, -1) + "&before="
                + day(period.until(), 1) + "&sort=asc", pulls, i -> story.pushEvent(
                commit(since, i), commit(since, i + 1)));
        gitlab.resolver(key -> {
            String[] parts = key.startsWith(project + "/") ? key.substring(project.length() + 1).split("[/?]") : null;
            if (parts == null) {
                return null;
            }
            if (parts[0].equals("merge_requests") && parts.length == 3) {
                GitHubStory.Pull pull = pull(since, Integer.parseInt(parts[1]));
                return parts[2].equals("versions") ? story.versions(pull)
                        : parts[2].equals("approvals") ? story.approvals(pull) : null;
            }
            if (parts[0].equals("repository") && parts[1].equals("compare")) {
                String query = key.substring(key.indexOf('?') + 1);
                int from = commitIndex.get(param(query, "from"));
                int to = commitIndex.get(param(query, "to"));
                ObjectNode comparison = Json.mapper().createObjectNode();
                ArrayNode commits = comparison.putArray("commits");
                for (int i = from + 1; i <= to; i++) {
                    commits.add(story.commit(commit(since, i)));
                }
                return comparison;
            }
            if (parts[0].equals("pipelines")) {
                String sha = param(key.substring(key.indexOf('?') + 1), "sha");
                Instant at = mergedAt(since, commitIndex.get(sha)).plusSeconds(20);
                ArrayNode pipelines = Json.mapper().createArrayNode();
                pipelines.add(story.pipeline(new GitHubStory.Check(Math.abs(sha.hashCode()) * 2L, "build", sha,
                        "success", at)));
                pipelines.add(story.pipeline(new GitHubStory.Check(Math.abs(sha.hashCode()) * 2L + 1, "test", sha,
                        "success", at)));
                return pipelines;
            }
            return null;
        });
    }

    /** Imports the repository from the API on loopback into a real broker, and prints the rates. */
    private static void run(Source source, java.net.URI api, Period period, int pulls, int deploys)
            throws Exception {
        Path workDir = Files.createTempDirectory("oversight-bench-backfill-");
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.start(workDir.resolve("kafka"), 0) : null;
        try {
            String bootstrap = external != null ? external : broker.bootstrapServers();
            KafkaConnection kafka = new KafkaConnection(bootstrap,
                    "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".", 3, 1, Map.of());
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            String changes = source == Source.GITLAB ? "merge requests" : "pull requests";
            System.out.printf("Broker %s (%s), %d cores; %s: %d %s, %d deploys%n", bootstrap,
                    external != null ? "external" : "embedded", Runtime.getRuntime().availableProcessors(),
                    source.id(), pulls, changes, deploys);
            Backfill.Request request = new Backfill.Request(source, List.of(REPO), null, period, api, "test-token",
                    false, false, workDir.resolve("data"));
            long started = System.nanoTime();
            Backfill.Summary summary = new Backfill(request, kafka, new PrintStream(OutputStream.nullOutputStream()),
                    new Progress.Console(System.err, false), RestClient.Sleeper.REAL, Clock.systemUTC()).run();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("Imported %d %s in %.1f s: %d API requests (%.0f/s), %d facts written "
                            + "(%.0f/s), %.0f %s/s%n", pulls, changes, seconds, summary.requests(),
                    summary.requests() / seconds, summary.written(), summary.written() / seconds, pulls / seconds,
                    changes);
            int limit = source == Source.GITLAB ? GITLAB_LIMIT : GITHUB_LIMIT;
            double hours = summary.requests() / (double) limit;
            System.out.printf("At %s the same import takes %s: %.1f times as long as Oversight took%n",
                    source == Source.GITLAB ? "GitLab.com's 2,000 requests a minute" : "GitHub's 5,000 requests an hour",
                    hours >= 1 ? String.format("%.1f h", hours) : String.format("%.1f min", hours * 60),
                    hours * 3600 / seconds);
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteTree(workDir);
        }
    }

    private static String day(Instant time, int offset) {
        return time.atZone(java.time.ZoneOffset.UTC).toLocalDate().plusDays(offset).toString();
    }

    private static String param(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The commit the {@code i}th merge made (0: the base), as the branch got it. */
    private static GitHubStory.Commit commit(Instant since, int i) {
        return new GitHubStory.Commit(i == 0 ? GitHubStory.sha("base") : merge(i), "dev" + i % 50,
                mergedAt(since, i));
    }

    private static String merge(int i) {
        return GitHubStory.sha("merge-" + i);
    }

    private static Instant mergedAt(Instant since, int i) {
        return since.plus(Duration.ofMinutes(i));
    }

    private static GitHubStory.Pull pull(Instant since, int i) {
        Instant merged = mergedAt(since, i);
        return new GitHubStory.Pull(i, "Change " + i, "dev" + i % 50, GitHubStory.sha("head-" + i), "change-" + i,
                merge(i), merged.minusSeconds(3600), merged, List.of(new GitHubStory.Review(100_000 + i,
                "reviewer" + i % 7, "APPROVED", GitHubStory.sha("head-" + i), merged.minusSeconds(600))));
    }

    /** Reviews, deployment statuses, comparisons, check runs and statuses, made when asked for. */
    private static JsonNode resolve(String key, GitHubStory story, Instant since, GitHubStory.Deploy[] line,
                                    Map<String, Integer> commitIndex) {
        String prefix = "repos/" + REPO + "/";
        if (!key.startsWith(prefix)) {
            return null;
        }
        String[] parts = key.substring(prefix.length()).split("/");
        ArrayNode list = Json.mapper().createArrayNode();
        if (parts[0].equals("pulls") && parts.length == 3 && parts[2].equals("reviews")) {
            GitHubStory.Pull pull = pull(since, Integer.parseInt(parts[1]));
            pull.reviews().forEach(r -> list.add(story.review(pull, r)));
            return list;
        }
        if (parts[0].equals("deployments") && parts.length == 3 && parts[2].equals("statuses")) {
            int k = Integer.parseInt(parts[1]) - 1000;
            list.add(story.status(line[k]));
            return list;
        }
        if (parts[0].equals("compare")) {
            String[] range = parts[1].split("\\.\\.\\.");
            int from = commitIndex.get(range[0]);
            int to = commitIndex.get(range[1]);
            ObjectNode comparison = Json.mapper().createObjectNode();
            ArrayNode commits = comparison.putArray("commits");
            for (int i = from + 1; i <= to; i++) {
                commits.add(story.commit(new GitHubStory.Commit(merge(i), "dev" + i % 50, mergedAt(since, i))));
            }
            comparison.put("total_commits", commits.size());
            return comparison;
        }
        if (parts[0].equals("commits") && parts.length == 3) {
            String sha = parts[1];
            Instant at = mergedAt(since, commitIndex.get(sha)).plusSeconds(20);
            if (parts[2].equals("check-runs")) {
                ObjectNode runs = Json.mapper().createObjectNode();
                ArrayNode array = runs.putArray("check_runs");
                array.add(story.checkRun(new GitHubStory.Check(Math.abs(sha.hashCode()) * 2L, "build", sha, "success", at)));
                array.add(story.checkRun(new GitHubStory.Check(Math.abs(sha.hashCode()) * 2L + 1, "test", sha, "success",
                        at)));
                runs.put("total_count", 2);
                return runs;
            }
            if (parts[2].equals("statuses")) {
                ObjectNode status = list.addObject();
                status.put("id", Math.abs(sha.hashCode()));
                status.put("state", "success");
                status.put("context", "ci/lint");
                status.put("created_at", at.toString());
                status.put("updated_at", at.toString());
                return list;
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
