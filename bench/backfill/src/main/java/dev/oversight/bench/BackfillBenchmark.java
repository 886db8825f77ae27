package dev.oversight.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.backfill.Backfill;
import dev.oversight.backfill.FakeGitHub;
import dev.oversight.backfill.GitHubStory;
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
 * or {@code KAFKA_BOOTSTRAP_SERVERS}), and prints the import rate and what GitHub's rate limit would make of it.
 *
 * <p>{@code java … dev.oversight.bench.BackfillBenchmark [pulls]}.
 */
public final class BackfillBenchmark {

    private static final String REPO = "acme/bench";
    private static final int PER_DEPLOY = 100;
    /** GitHub's primary rate limit for a token (requests an hour). */
    private static final int GITHUB_LIMIT = 5_000;

    private BackfillBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pulls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
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

        Path workDir = Files.createTempDirectory("oversight-bench-backfill-");
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.start(workDir.resolve("kafka"), 0) : null;
        try (FakeGitHub github = FakeGitHub.start()) {
            ObjectNode repository = Json.mapper().createObjectNode().put("id", 1).put("name", "bench")
                    .put("full_name", REPO).put("default_branch", "main");
            repository.putObject("owner").put("login", "acme");
            github.put("repos/" + REPO, repository);
            github.putGenerated("repos/" + REPO + "/deployments?environment=production", deploys + 1,
                    i -> story.deployment(line[deploys - i]));
            github.putGenerated("repos/" + REPO + "/pulls?direction=desc&sort=updated&state=closed", pulls,
                    i -> story.pull(pull(since, pulls - i)));
            github.resolver(key -> resolve(key, story, since, line, commitIndex));

            String bootstrap = external != null ? external : broker.bootstrapServers();
            KafkaConnection kafka = new KafkaConnection(bootstrap,
                    "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".", 3, 1, Map.of());
            TopicProvisioner.ensure(kafka, Duration.ofSeconds(30));
            System.out.printf("Broker %s (%s), %d cores; %d pull requests, %d deploys%n", bootstrap,
                    external != null ? "external" : "embedded", Runtime.getRuntime().availableProcessors(), pulls,
                    deploys);
            Backfill.Request request = new Backfill.Request(Source.GITHUB, List.of(REPO), null,
                    new Period(since, since.plus(Duration.ofDays(365)), List.of("production")), github.api(),
                    "test-token", false, false, workDir.resolve("data"));
            long started = System.nanoTime();
            Backfill.Summary summary = new Backfill(request, kafka, new PrintStream(OutputStream.nullOutputStream()),
                    new Progress.Console(System.err, false), RestClient.Sleeper.REAL, Clock.systemUTC()).run();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("Imported %d pull requests in %.1f s: %d API requests (%.0f/s), %d facts written "
                            + "(%.0f/s), %.0f pull requests/s%n", pulls, seconds, summary.requests(),
                    summary.requests() / seconds, summary.written(), summary.written() / seconds, pulls / seconds);
            System.out.printf("At GitHub's %d requests an hour the same import takes %.1f h: the API's limit, not "
                    + "Oversight, sets the pace (%.0f times slower than Oversight can go)%n", GITHUB_LIMIT,
                    summary.requests() / (double) GITHUB_LIMIT,
                    summary.requests() / (double) GITHUB_LIMIT * 3600 / seconds);
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteTree(workDir);
        }
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
