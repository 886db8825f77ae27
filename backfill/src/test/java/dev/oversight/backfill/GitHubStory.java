package dev.oversight.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A repository's history told as GitHub's REST API answers it: every resource is a copy of the example GitHub
 * publishes for it (src/test/resources/github-api, see ORIGIN.md) with the story's ids, commits, people and times set.
 * The same story can be played as webhooks (its parts are public), so the two ways in can be compared.
 */
public final class GitHubStory {

    public record Deploy(long id, long statusId, String sha, String environment, String creator, String state,
                         Instant at) {}

    public record Review(long id, String reviewer, String state, String commitId, Instant at) {}

    public record Pull(long number, String title, String author, String headSha, String headRef, String mergeSha,
                       Instant createdAt, Instant mergedAt, List<Review> reviews) {}

    public record Check(long id, String name, String sha, String conclusion, Instant at) {}

    /** A commit on the deployed branch, in the order they reached it. */
    public record Commit(String sha, String author, Instant at) {}

    private final String fullName;
    public final List<Deploy> deploys = new ArrayList<>();
    public final List<Pull> pulls = new ArrayList<>();
    public final List<Check> checks = new ArrayList<>();
    public final List<Commit> commits = new ArrayList<>();

    public GitHubStory(String fullName) {
        this.fullName = fullName;
    }

    public String fullName() {
        return fullName;
    }

    /** A commit id made from a name: the SHA-1 of it, 40 hex digits as Git's. */
    public static String sha(String seed) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the story on the fake API. */
    public void serve(FakeGitHub github) {
        String repo = "repos/" + fullName;
        ObjectNode repository = (ObjectNode) template("full-repository");
        repository.put("name", fullName.substring(fullName.indexOf('/') + 1));
        repository.put("full_name", fullName);
        ((ObjectNode) repository.get("owner")).put("login", fullName.substring(0, fullName.indexOf('/')));
        repository.put("default_branch", "main");
        github.put(repo, repository);

        ArrayNode deployments = Json.mapper().createArrayNode();
        deploys.stream().sorted(Comparator.comparing(Deploy::at).reversed()).forEach(d -> {
            deployments.add(deployment(d));
            ArrayNode statuses = Json.mapper().createArrayNode();
            statuses.add(status(d));
            github.put(repo + "/deployments/" + d.id() + "/statuses", statuses);
        });
        github.put(repo + "/deployments", deployments);
        for (String environment : deploys.stream().map(Deploy::environment).distinct().toList()) {
            ArrayNode only = Json.mapper().createArrayNode();
            deployments.forEach(d -> {
                if (d.path("environment").asText().equals(environment)) {
                    only.add(d);
                }
            });
            github.put(repo + "/deployments?environment=" + environment, only);
        }

        ArrayNode closed = Json.mapper().createArrayNode();
        pulls.stream().sorted(Comparator.comparing(Pull::mergedAt).reversed()).forEach(p -> {
            closed.add(pull(p));
            ArrayNode reviews = Json.mapper().createArrayNode();
            p.reviews().forEach(r -> reviews.add(review(p, r)));
            github.put(repo + "/pulls/" + p.number() + "/reviews", reviews);
        });
        github.put(repo + "/pulls?direction=desc&sort=updated&state=closed", closed);

        List<Deploy> line = deploys.stream().filter(d -> "success".equals(d.state()))
                .sorted(Comparator.comparing(Deploy::at)).toList();
        for (int i = 1; i < line.size(); i++) {
            String base = line.get(i - 1).sha();
            String head = line.get(i).sha();
            int from = indexOf(base) + 1;
            int to = indexOf(head);
            ObjectNode comparison = (ObjectNode) template("commit-comparison");
            ArrayNode list = comparison.putArray("commits");
            for (Commit c : commits.subList(from, to + 1)) {
                list.add(commit(c));
            }
            comparison.put("total_commits", list.size());
            comparison.put("ahead_by", list.size());
            github.put(repo + "/compare/" + base + "..." + head, comparison);
        }
        for (Deploy d : deploys) {
            ObjectNode runs = (ObjectNode) template("check-run-paginated");
            ArrayNode list = runs.putArray("check_runs");
            checks.stream().filter(c -> c.sha().equals(d.sha())).forEach(c -> list.add(checkRun(c)));
            runs.put("total_count", list.size());
            github.put(repo + "/commits/" + d.sha() + "/check-runs", runs);
            github.put(repo + "/commits/" + d.sha() + "/statuses", Json.mapper().createArrayNode());
        }
    }

    private int indexOf(String sha) {
        for (int i = 0; i < commits.size(); i++) {
            if (commits.get(i).sha().equals(sha)) {
                return i;
            }
        }
        throw new IllegalArgumentException("commit " + sha + " is not in the story's branch");
    }

    public ObjectNode deployment(Deploy d) {
        ObjectNode node = (ObjectNode) template("deployment-items").get(0);
        node.put("id", d.id());
        node.put("url", "https://api.github.com/repos/" + fullName + "/deployments/" + d.id());
        node.put("sha", d.sha());
        node.put("ref", "main");
        node.put("environment", d.environment());
        node.put("original_environment", d.environment());
        node.set("payload", Json.mapper().createObjectNode());
        node.put("created_at", d.at().minusSeconds(30).toString());
        node.put("updated_at", d.at().toString());
        user(node, "creator", d.creator());
        return node;
    }

    public ObjectNode status(Deploy d) {
        ObjectNode node = (ObjectNode) template("deployment-status-items").get(0);
        node.put("id", d.statusId());
        node.put("state", d.state());
        node.put("environment", d.environment());
        node.put("created_at", d.at().toString());
        node.put("updated_at", d.at().toString());
        user(node, "creator", d.creator());
        return node;
    }

    public ObjectNode pull(Pull p) {
        ObjectNode node = (ObjectNode) template("pull-request-simple-items").get(0);
        node.put("id", 1_000_000 + p.number());
        node.put("number", p.number());
        node.put("title", p.title());
        node.put("state", "closed");
        node.put("html_url", "https://github.com/" + fullName + "/pull/" + p.number());
        node.put("created_at", p.createdAt().toString());
        node.put("updated_at", p.mergedAt().toString());
        node.put("closed_at", p.mergedAt().toString());
        node.put("merged_at", p.mergedAt().toString());
        node.put("merge_commit_sha", p.mergeSha());
        node.set("labels", Json.mapper().createArrayNode());
        user(node, "user", p.author());
        ((ObjectNode) node.get("head")).put("sha", p.headSha()).put("ref", p.headRef());
        ((ObjectNode) node.get("base")).put("ref", "main");
        return node;
    }

    public ObjectNode review(Pull p, Review r) {
        ObjectNode node = (ObjectNode) template("pull-request-review-items").get(0);
        node.put("id", r.id());
        node.put("state", r.state());
        node.put("commit_id", r.commitId());
        node.put("submitted_at", r.at().toString());
        node.put("html_url", "https://github.com/" + fullName + "/pull/" + p.number() + "#pullrequestreview-" + r.id());
        node.put("pull_request_url", "https://api.github.com/repos/" + fullName + "/pulls/" + p.number());
        user(node, "user", r.reviewer());
        return node;
    }

    public ObjectNode commit(Commit c) {
        ObjectNode node = (ObjectNode) template("commit-comparison").get("commits").get(0);
        node.put("sha", c.sha());
        ObjectNode commit = (ObjectNode) node.get("commit");
        commit.put("message", "commit " + c.sha().substring(0, 7));
        ((ObjectNode) commit.get("author")).put("name", c.author()).put("date", c.at().toString());
        ((ObjectNode) commit.get("committer")).put("name", c.author()).put("date", c.at().toString());
        user(node, "author", c.author());
        user(node, "committer", c.author());
        return node;
    }

    public ObjectNode checkRun(Check c) {
        ObjectNode node = (ObjectNode) template("check-run-paginated").get("check_runs").get(0);
        node.put("id", c.id());
        node.put("name", c.name());
        node.put("head_sha", c.sha());
        node.put("status", "completed");
        node.put("conclusion", c.conclusion());
        node.put("started_at", c.at().minusSeconds(60).toString());
        node.put("completed_at", c.at().toString());
        return node;
    }

    private static void user(ObjectNode node, String field, String login) {
        ObjectNode user = node.path(field).isObject() ? (ObjectNode) node.get(field) : node.putObject(field);
        user.put("login", login);
        user.put("id", Math.abs(login.hashCode()));
        user.put("type", login.endsWith("[bot]") ? "Bot" : "User");
    }

    private static final Map<String, JsonNode> TEMPLATES = new LinkedHashMap<>();

    /** A fresh copy of GitHub's published example {@code name}. */
    static synchronized JsonNode template(String name) {
        JsonNode template = TEMPLATES.computeIfAbsent(name, n -> {
            try (InputStream in = GitHubStory.class.getResourceAsStream("/github-api/" + n + ".json")) {
                return Json.mapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return template.deepCopy();
    }
}
