package dev.oversight.backfill.github;

import static dev.oversight.backfill.HistorySource.add;
import static dev.oversight.backfill.HistorySource.instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.backfill.BackfillIds;
import dev.oversight.backfill.Deployments;
import dev.oversight.backfill.Fact;
import dev.oversight.backfill.History;
import dev.oversight.backfill.HistorySource;
import dev.oversight.backfill.Period;
import dev.oversight.backfill.Progress;
import dev.oversight.backfill.http.RestClient;
import dev.oversight.events.CiResult;
import dev.oversight.events.Evidence;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.github.GitHubNormalizer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one repository's history of a period from GitHub's REST API and tells it as the webhooks would have
 * (a {@link Fact} per delivery GitHub would have sent). The rules, in order:
 * <ol>
 *   <li>Deploys: the deployments created in the period (of the environments asked), each with every status it had.</li>
 *   <li>The previous deploy of each environment: the newest deployment created before the period that succeeded
 *       — the first deploy of the period is judged from it, never from the repository's first commit.</li>
 *   <li>Changes: the pull requests merged (by {@code merged_at}, not their creation) from the previous deploy to the
 *       end of the period — so the first deploy's changes are there too —, each with its reviews (and the commit
 *       each review was given on). A review is told with the pull request as it was then (open, if given before the
 *       merge), as the webhook was.</li>
 *   <li>Pushes: the commits between consecutive successful deploys of an environment (the compare API), cut into one
 *       push per merged pull request, as they reached the branch; commits no pull request landed are a push of their
 *       own (a direct push).</li>
 *   <li>Checks: the check runs and commit statuses of every deployed commit.</li>
 * </ol>
 */
public final class GitHubHistory implements HistorySource {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    private final RestClient api;
    private final URI base;

    /** @param base the API's root: {@code https://api.github.com}, or {@code https://HOST/api/v3} on GitHub Enterprise */
    public GitHubHistory(RestClient api, URI base) {
        this.api = api;
        String root = base.toString();
        this.base = URI.create(root.endsWith("/") ? root : root + "/");
    }

    /** The repositories of an organisation ({@code owner/name}), archived ones included: their history still counts. */
    @Override
    public List<String> repositories(String organization) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (JsonNode repo : api.all(uri("orgs/" + organization + "/repos?per_page=100&type=all"), null)) {
            names.add(repo.path("full_name").asText());
        }
        return names;
    }

    @Override
    public Words words() {
        return Words.GITHUB;
    }

    /** How long GitHub keeps check runs and commit statuses. */
    static final java.time.Duration CHECK_RETENTION = java.time.Duration.ofDays(400);

    @Override
    public History read(String repository, Period period, Progress progress) throws IOException, InterruptedException {
        JsonNode repo = api.get(uri("repos/" + repository));
        ObjectNode repoRef = Json.mapper().createObjectNode();
        repoRef.put("id", repo.path("id").asLong());
        repoRef.put("name", repo.path("name").asText());
        repoRef.put("full_name", repo.path("full_name").asText(repository));
        repoRef.set("owner", repo.path("owner").deepCopy());
        repoRef.put("html_url", repo.path("html_url").asText(null));
        repoRef.put("default_branch", repo.path("default_branch").asText("main"));
        String defaultBranch = repoRef.get("default_branch").asText();
        Map<String, Fact> facts = new LinkedHashMap<>();

        // 1, 2: deployments of the period and the one before it in each environment.
        Deployments deployments = Deployments.read(api, environment -> uri("repos/" + repository
                + "/deployments?per_page=100" + (environment == null ? "" : "&environment=" + encode(environment))),
                d -> d.path("environment").asText(), period);
        List<JsonNode> inPeriod = deployments.inPeriod();
        Set<String> environments = deployments.environments();
        long units = 0;

        Map<String, JsonNode> successOf = new HashMap<>(); // deployment id → its success status
        List<JsonNode> previous = new ArrayList<>();
        for (String environment : environments) {
            for (JsonNode candidate : deployments.candidates(environment)) {
                List<JsonNode> statuses = statuses(repository, candidate);
                Optional<JsonNode> success = statuses.stream()
                        .filter(s -> "success".equals(s.path("state").asText())).findFirst();
                if (success.isPresent()) {
                    previous.add(candidate);
                    successOf.put(candidate.path("id").asText(), success.get());
                    add(facts, deploymentFact(candidate, repoRef));
                    add(facts, statusFact(candidate, success.get(), repoRef));
                    break;
                }
            }
        }
        // 3: pull requests merged from the earliest previous deploy (or the period's start) to its end.
        Instant from = period.since();
        for (String environment : environments) {
            Optional<Instant> previousAt = previous.stream()
                    .filter(d -> environment.equals(d.path("environment").asText()))
                    .map(d -> instant(successOf.get(d.path("id").asText()), "created_at")).findFirst();
            if (previousAt.isEmpty()) {
                continue;
            }
            from = previousAt.get().isBefore(from) ? previousAt.get() : from;
        }
        Instant lower = from;
        List<JsonNode> merged = HistorySource.mergedBetween(api, uri("repos/" + repository
                + "/pulls?state=closed&sort=updated&direction=desc&per_page=100"), lower, period.until());
        // What is left to ask, per unit of the bar: a deploy's statuses, a pull request's reviews, a deployed commit's
        // checks (and the comparisons with them).
        units = inPeriod.size() + merged.size() + inPeriod.size() + previous.size();
        progress.update(repository, 0, units);
        List<String> deployLines = new ArrayList<>();
        long done = 0;
        for (JsonNode deployment : inPeriod) {
            add(facts, deploymentFact(deployment, repoRef));
            for (JsonNode status : statuses(repository, deployment)) {
                add(facts, statusFact(deployment, status, repoRef));
                if ("success".equals(status.path("state").asText())) {
                    successOf.putIfAbsent(deployment.path("id").asText(), status);
                }
            }
            progress.update(repository, ++done, units);
        }

        Map<String, JsonNode> byMergeSha = new HashMap<>();
        int reviews = 0;
        List<String> unavailable = new ArrayList<>();
        for (JsonNode pr : merged) {
            add(facts, mergedFact(pr, repoRef));
            if (pr.hasNonNull("merge_commit_sha")) {
                byMergeSha.put(pr.get("merge_commit_sha").asText(), pr);
            }
            for (JsonNode review : api.all(uri("repos/" + repository + "/pulls/" + pr.path("number").asLong()
                    + "/reviews?per_page=100"), null)) {
                Fact fact = reviewFact(pr, review, repoRef);
                if (fact != null && !review.hasNonNull("commit_id")) {
                    unavailable.add("review " + review.path("id").asText() + " of #" + pr.path("number").asText()
                            + " by " + review.path("user").path("login").asText() + ": the commit it was given on is "
                            + "gone from GitHub; the verdict shows it as unavailable (EVIDENCE_UNAVAILABLE), never "
                            + "as an approval of the final head");
                }
                if (fact != null) {
                    add(facts, fact);
                    reviews++;
                }
            }
            progress.update(repository, ++done, units);
        }

        // 4: pushes between consecutive successful deploys of each environment.
        List<JsonNode> succeeded = new ArrayList<>();
        succeeded.addAll(previous);
        inPeriod.stream().filter(d -> successOf.containsKey(d.path("id").asText())).forEach(succeeded::add);
        Set<String> compared = new LinkedHashSet<>();
        Set<String> deployedShas = new LinkedHashSet<>();
        for (String environment : environments) {
            List<JsonNode> line = succeeded.stream()
                    .filter(d -> environment.equals(d.path("environment").asText()))
                    .sorted(Comparator.comparing(d -> instant(successOf.get(d.path("id").asText()), "created_at")))
                    .toList();
            for (int i = 0; i < line.size(); i++) {
                JsonNode deployment = line.get(i);
                deployedShas.add(deployment.path("sha").asText());
                String previousSha = i == 0 ? null : line.get(i - 1).path("sha").asText();
                String sha = deployment.path("sha").asText();
                if (previousSha != null && !previousSha.equals(sha) && compared.add(previousSha + "..." + sha)) {
                    List<JsonNode> commits = api.all(uri("repos/" + repository + "/compare/" + previousSha + "..."
                            + sha + "?per_page=100"), "commits");
                    for (Fact push : pushes(branch(deployment, defaultBranch), previousSha, commits, byMergeSha,
                            repoRef)) {
                        add(facts, push);
                    }
                }
                if (i > 0 || !previous.contains(deployment)) {
                    deployLines.add(describe(deployment, successOf.get(deployment.path("id").asText()),
                            i == 0 ? null : line.get(i - 1)));
                }
            }
        }
        units = done + deployedShas.size();
        progress.update(repository, done, units);

        // 5: the checks of every deployed commit.
        int checks = 0;
        for (String sha : deployedShas) {
            int checksBefore = checks;
            for (JsonNode run : api.all(uri("repos/" + repository + "/commits/" + sha + "/check-runs?per_page=100"),
                    "check_runs")) {
                add(facts, checkRunFact(run, repoRef));
                checks++;
            }
            for (JsonNode status : api.all(uri("repos/" + repository + "/commits/" + sha + "/statuses?per_page=100"),
                    null)) {
                add(facts, commitStatusFact(sha, status, repoRef));
                checks++;
            }
            Instant deployed = deployedAt(sha, succeeded, successOf);
            if (checks == checksBefore && deployed != null && deployed.isBefore(clockNow().minus(CHECK_RETENTION))) {
                unavailable.add("commit " + sha.substring(0, 7) + ", deployed " + deployed + ": no check run or "
                        + "status; GitHub keeps them " + CHECK_RETENTION.toDays() + " days, so what ran is not known "
                        + "(the verdict shows its checks as unavailable, EVIDENCE_UNAVAILABLE, never a pass)");
                add(facts, checksUnavailableFact(repository, sha, deployed, repoRef));
            }
            progress.update(repository, ++done, units);
        }
        List<Fact> ordered = new ArrayList<>(facts.values());
        ordered.sort(Fact.ORDER);
        return new History(repository, ordered, deployLines, merged.size(), reviews, checks, unavailable);
    }

    private static Instant deployedAt(String sha, List<JsonNode> succeeded, Map<String, JsonNode> successOf) {
        return succeeded.stream().filter(d -> sha.equals(d.path("sha").asText()))
                .map(d -> instant(successOf.get(d.path("id").asText()), "created_at"))
                .filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

    private static Instant clockNow() {
        return Instant.now();
    }

    private List<JsonNode> statuses(String repository, JsonNode deployment) throws IOException, InterruptedException {
        return api.all(uri("repos/" + repository + "/deployments/" + deployment.path("id").asText()
                + "/statuses?per_page=100"), null);
    }

    private static String describe(JsonNode deployment, JsonNode success, JsonNode previous) {
        String when = success == null ? "did not succeed" : "succeeded " + success.path("created_at").asText();
        return "deployment " + deployment.path("id").asText() + " to " + deployment.path("environment").asText()
                + " of " + deployment.path("sha").asText().substring(0, Math.min(7, deployment.path("sha").asText().length()))
                + " " + when + "; previous deploy: "
                + (previous == null ? "none (the first Oversight will know)" : "deployment " + previous.path("id").asText());
    }

    // ---- the webhooks GitHub would have sent -------------------------------------------------------------------

    static Fact deploymentFact(JsonNode deployment, ObjectNode repo) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("action", "created");
        body.set("deployment", deployment.deepCopy());
        body.set("repository", repo);
        body.set("sender", deployment.path("creator").deepCopy());
        return new Fact("deployment", BackfillIds.of(repo, "deployment:" + deployment.path("id").asText()),
                instant(deployment, "created_at"), body, deployment.path("url").asText(null));
    }

    static Fact statusFact(JsonNode deployment, JsonNode status, ObjectNode repo) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("action", "created");
        ObjectNode copy = status.deepCopy();
        if (!copy.hasNonNull("environment")) {
            copy.put("environment", deployment.path("environment").asText());
        }
        body.set("deployment_status", copy);
        body.set("deployment", deployment.deepCopy());
        body.set("repository", repo);
        body.set("sender", status.path("creator").deepCopy());
        return new Fact("deployment_status", BackfillIds.of(repo, "deployment_status:" + status.path("id").asText()),
                instant(status, "created_at"), body, status.path("url").asText(null));
    }

    static Fact mergedFact(JsonNode pr, ObjectNode repo) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("action", "closed");
        body.put("number", pr.path("number").asLong());
        ObjectNode copy = pr.deepCopy();
        copy.put("merged", true);
        copy.put("state", "closed");
        body.set("pull_request", copy);
        body.set("repository", repo);
        if (pr.hasNonNull("merged_by")) {
            body.set("sender", pr.get("merged_by").deepCopy());
        }
        return new Fact("pull_request", BackfillIds.of(repo, "pull_request:" + pr.path("id").asText() + ":merged"),
                instant(pr, "merged_at"), body, pr.path("url").asText(null));
    }

    /** A review as {@code pull_request_review} "submitted", with the pull request as it was then; null if pending. */
    static Fact reviewFact(JsonNode pr, JsonNode review, ObjectNode repo) {
        Instant submitted = instant(review, "submitted_at");
        if (submitted == null || "PENDING".equalsIgnoreCase(review.path("state").asText())) {
            return null;
        }
        ObjectNode then = pr.deepCopy();
        Instant mergedAt = instant(pr, "merged_at");
        if (mergedAt == null || submitted.isBefore(mergedAt)) {
            then.put("state", "open");
            then.put("merged", false);
            then.putNull("merged_at");
            then.putNull("closed_at");
            then.putNull("merge_commit_sha");
        } else {
            then.put("merged", true);
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("action", "submitted");
        body.set("review", review.deepCopy());
        body.set("pull_request", then);
        body.set("repository", repo);
        body.set("sender", review.path("user").deepCopy());
        return new Fact("pull_request_review", BackfillIds.of(repo, "pull_request_review:" + review.path("id").asText()),
                submitted, body, review.path("pull_request_url").asText(null));
    }

    /**
     * The event type of a fact no webhook tells: GitHub answered a deployed commit's check runs and statuses with
     * nothing, and the commit is older than GitHub keeps them. Its evidence says every check of the commit is
     * unavailable ({@link #normalize}).
     */
    public static final String CHECKS_UNAVAILABLE = "oversight_checks_unavailable";

    Fact checksUnavailableFact(String repository, String sha, Instant deployed, ObjectNode repo) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("sha", sha);
        body.put("deployed_at", deployed.toString());
        body.put("unavailable", "check runs and commit statuses");
        body.put("reason", "GitHub answered none, and keeps them " + CHECK_RETENTION.toDays() + " days");
        ArrayNode asked = body.putArray("asked");
        asked.add(uri("repos/" + repository + "/commits/" + sha + "/check-runs").toString());
        asked.add(uri("repos/" + repository + "/commits/" + sha + "/statuses").toString());
        body.set("repository", repo);
        return new Fact(CHECKS_UNAVAILABLE, BackfillIds.of(repo, "checks_unavailable:" + sha), deployed, body,
                asked.get(0).asText());
    }

    /**
     * The evidence of a fact read from GitHub: what ingest's {@link GitHubNormalizer} makes of the webhook it
     * tells, and what the history says is no longer there — a review whose commit GitHub answers as null is said
     * to be given on a commit that is gone; a {@link #CHECKS_UNAVAILABLE} fact is a report, unavailable, of every
     * check of its commit.
     */
    public static Normalized normalize(Fact fact, Instant receivedAt) {
        if (CHECKS_UNAVAILABLE.equals(fact.eventType())) {
            JsonNode body = fact.body();
            CiResult unavailable = new CiResult(Evidence.SCHEMA, Source.GITHUB,
                    GitHubNormalizer.repositoryId(body.path("repository").path("full_name").asText()),
                    fact.deliveryId(), fact.occurredAt(), body.path("sha").asText(), CiResult.EVERY_CHECK,
                    CiResult.CiSystem.CHECK_RUN, null, 1, CiResult.CiStatus.COMPLETED,
                    CiResult.CiConclusion.UNAVAILABLE, null, null);
            return new Normalized.Accepted(unavailable.repository(), List.of(unavailable));
        }
        Normalized normalized = GitHubNormalizer.normalize(fact.eventType(), fact.deliveryId(), fact.body(),
                receivedAt);
        boolean commitGone = "pull_request_review".equals(fact.eventType())
                && fact.body().path("review").has("commit_id") && fact.body().path("review").get("commit_id").isNull();
        if (commitGone && normalized instanceof Normalized.Accepted accepted) {
            return new Normalized.Accepted(accepted.repository(), accepted.evidence().stream()
                    .map(e -> e instanceof ReviewEvent review ? review.withCommitUnavailable() : e).toList());
        }
        return normalized;
    }

    static Fact checkRunFact(JsonNode run, ObjectNode repo) {
        ObjectNode body = Json.mapper().createObjectNode();
        String status = run.path("status").asText();
        body.put("action", "completed".equals(status) ? "completed" : "created");
        body.set("check_run", run.deepCopy());
        body.set("repository", repo);
        Instant at = instant(run, "completed_at") != null ? instant(run, "completed_at") : instant(run, "started_at");
        return new Fact("check_run", BackfillIds.of(repo, "check_run:" + run.path("id").asText()), at, body,
                run.path("url").asText(null));
    }

    static Fact commitStatusFact(String sha, JsonNode status, ObjectNode repo) {
        ObjectNode body = status.deepCopy();
        body.put("sha", sha);
        body.put("name", repo.path("full_name").asText());
        body.set("repository", repo);
        if (status.hasNonNull("creator")) {
            body.set("sender", status.get("creator").deepCopy());
        }
        Instant at = instant(status, "updated_at") != null ? instant(status, "updated_at") : instant(status, "created_at");
        return new Fact("status", BackfillIds.of(repo, "status:" + status.path("id").asText()), at, body,
                status.path("url").asText(null));
    }

    /**
     * The compare API's commits (oldest first) as the pushes that brought them: a push ends at each pull request's
     * merge commit; commits after the last one, up to the deployed commit, are a push of their own.
     */
    static List<Fact> pushes(String branch, String base, List<JsonNode> commits, Map<String, JsonNode> byMergeSha,
                             ObjectNode repo) {
        return HistorySource.segments(base, commits, c -> c.path("sha").asText(), byMergeSha::containsKey).stream()
                .map(s -> push(branch, s.before(), s.commits(), repo)).toList();
    }

    private static Fact push(String branch, String before, List<JsonNode> commits, ObjectNode repo) {
        JsonNode last = commits.get(commits.size() - 1);
        String after = last.path("sha").asText();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("ref", "refs/heads/" + branch);
        body.put("before", before);
        body.put("after", after);
        body.put("created", false);
        body.put("deleted", false);
        body.put("forced", false);
        ArrayNode list = body.putArray("commits");
        for (JsonNode c : commits) {
            ObjectNode commit = list.addObject();
            commit.put("id", c.path("sha").asText());
            commit.put("message", c.path("commit").path("message").asText(""));
            commit.put("timestamp", c.path("commit").path("committer").path("date").asText(null));
            ObjectNode author = commit.putObject("author");
            author.put("name", c.path("commit").path("author").path("name").asText(null));
            author.put("email", c.path("commit").path("author").path("email").asText(null));
            if (c.path("author").hasNonNull("login")) {
                author.put("username", c.path("author").path("login").asText());
            }
        }
        ObjectNode head = body.putObject("head_commit");
        head.put("id", after);
        head.put("timestamp", last.path("commit").path("committer").path("date").asText(null));
        body.set("repository", repo);
        if (last.path("author").hasNonNull("login")) {
            body.set("sender", last.get("author").deepCopy());
        }
        return new Fact("push", BackfillIds.of(repo, "push:" + before + ".." + after),
                instant(last.path("commit").path("committer"), "date"), body, null);
    }

    /** The branch a deploy was made from: its ref when that names a branch, else the repository's default branch. */
    static String branch(JsonNode deployment, String defaultBranch) {
        String ref = deployment.path("ref").asText("");
        if (ref.startsWith("refs/heads/")) {
            return ref.substring("refs/heads/".length());
        }
        if (ref.isEmpty() || ref.startsWith("refs/") || SHA.matcher(ref).matches()) {
            return defaultBranch;
        }
        return ref;
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
