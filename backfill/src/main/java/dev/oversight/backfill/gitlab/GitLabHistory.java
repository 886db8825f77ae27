package dev.oversight.backfill.gitlab;

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
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads one GitLab project's history of a period from GitLab's REST API (v4) and tells it as GitLab's webhooks would
 * have (a {@link Fact} per hook GitLab would have sent, in the shapes ingest's {@code GitLabNormalizer} reads). The
 * rules, in order:
 * <ol>
 *   <li>Deploys: the deployments created in the period (of the environments asked), each as a Deployment Hook with
 *       the status it ended in (GitLab keeps no history of a deployment's statuses).</li>
 *   <li>The previous deploy of each environment: the newest deployment created before the period that succeeded
 *       — the first deploy of the period is judged from it, never from the project's first commit.</li>
 *   <li>Changes: the merge requests merged (by {@code merged_at}, not their creation) from the previous deploy to
 *       the end of the period, each told as its hooks were: opened by its author on its first head, updated for each
 *       later head (its diff versions, with the head they replaced), approved by each approver still standing at the
 *       merge (when: {@code approved_at}, or on older GitLab the approval's system note; on the head current then),
 *       merged by who merged it. An approval GitLab gives no time for is not written: it is named instead.</li>
 *   <li>Pushes: the commits between consecutive successful deploys of an environment (the compare API), cut where a
 *       push ended (the project's push events, which name who pushed) and at each merge request's merge commit; a
 *       cut no push event names is told without a pusher, unless a merge request's merge made it.</li>
 *   <li>Checks: the pipelines of every deployed commit, each as a Pipeline Hook in the status it ended in.</li>
 * </ol>
 */
public final class GitLabHistory implements HistorySource {


    private final RestClient api;
    private final URI base;

    /**
     * @param base GitLab's address ({@code https://gitlab.com}, a self-managed {@code https://gitlab.example.com}) or
     *             its API's root ({@code …/api/v4})
     */
    public GitLabHistory(RestClient api, URI base) {
        this.api = api;
        this.base = apiRoot(base);
    }

    /** {@code https://HOST[/path]/api/v4/}, whether the address given was GitLab's or its API's. */
    public static URI apiRoot(URI url) {
        String root = url.toString().replaceAll("/+$", "");
        return URI.create(root.endsWith("/api/v4") ? root + "/" : root + "/api/v4/");
    }

    @Override
    public Words words() {
        return Words.GITLAB;
    }

    /** The projects of a group and of its subgroups ({@code group/sub/project}), archived ones included. */
    @Override
    public List<String> repositories(String group) throws IOException, InterruptedException {
        List<String> paths = new ArrayList<>();
        for (JsonNode project : api.all(uri("groups/" + encode(group)
                + "/projects?include_subgroups=true&order_by=id&sort=asc&per_page=100"), null)) {
            paths.add(project.path("path_with_namespace").asText());
        }
        return paths;
    }

    @Override
    public History read(String path, Period period, Progress progress) throws IOException, InterruptedException {
        String project = "projects/" + encode(path);
        JsonNode found = api.get(uri(project));
        ObjectNode projectRef = Json.mapper().createObjectNode();
        projectRef.put("id", found.path("id").asLong());
        projectRef.put("name", found.path("name").asText());
        projectRef.put("description", found.path("description").asText(null));
        projectRef.put("web_url", found.path("web_url").asText(null));
        projectRef.put("namespace", found.path("namespace").path("name").asText(null));
        projectRef.put("path_with_namespace", found.path("path_with_namespace").asText(path));
        projectRef.put("default_branch", found.path("default_branch").asText("main"));
        projectRef.put("homepage", found.path("web_url").asText(null));
        String fullPath = projectRef.get("path_with_namespace").asText();
        String defaultBranch = projectRef.get("default_branch").asText();
        Project p = new Project(fullPath, projectRef);
        Map<String, Fact> facts = new LinkedHashMap<>();

        // 1, 2: deployments of the period and the one before it in each environment.
        Deployments deployments = Deployments.read(api, environment -> uri(project
                + "/deployments?order_by=created_at&sort=desc&per_page=100"
                + (environment == null ? "" : "&environment=" + encode(environment))),
                GitLabHistory::environment, period);
        List<JsonNode> inPeriod = deployments.inPeriod();
        Set<String> environments = deployments.environments();
        List<JsonNode> previous = new ArrayList<>();
        for (String environment : environments) {
            deployments.candidates(environment).stream().filter(d -> "success".equals(d.path("status").asText()))
                    .findFirst().ifPresent(d -> {
                        previous.add(d);
                        add(facts, deploymentFact(d, p));
                    });
        }

        // 3: merge requests merged from the earliest previous deploy (or the period's start) to its end.
        Instant lower = previous.stream().map(GitLabHistory::finished).filter(Objects::nonNull)
                .filter(t -> t.isBefore(period.since())).min(Comparator.naturalOrder()).orElse(period.since());
        // GitLab filters by update itself (updated_after); a merge request merged since was updated since.
        List<JsonNode> merged = HistorySource.mergedBetween(api, uri(project + "/merge_requests?state=merged"
                + "&order_by=updated_at&sort=desc&updated_after=" + encode(lower.toString()) + "&per_page=100"), lower,
                period.until());
        long units = inPeriod.size() + merged.size() + inPeriod.size() + previous.size();
        long done = 0;
        progress.update(path, 0, units);
        for (JsonNode deployment : inPeriod) {
            add(facts, deploymentFact(deployment, p));
            progress.update(path, ++done, units);
        }

        Map<String, JsonNode> byMergeSha = new HashMap<>();
        int approvals = 0;
        List<String> unavailable = new ArrayList<>();
        for (JsonNode mr : merged) {
            String mrPath = project + "/merge_requests/" + mr.path("iid").asLong();
            byMergeSha.put(mergedSha(mr), mr);
            // Diff versions, newest first: each head the merge request had, from when.
            List<JsonNode> versions = new ArrayList<>(api.all(uri(mrPath + "/versions?per_page=100"), null));
            versions.sort(Comparator.comparing((JsonNode v) -> instant(v, "created_at"),
                    Comparator.nullsFirst(Comparator.naturalOrder())));
            String firstHead = versions.isEmpty() ? mr.path("sha").asText() : versions.get(0).path("head_commit_sha")
                    .asText();
            add(facts, mergeRequestFact(mr, "open", "opened", firstHead, null, mr.path("author"),
                    instant(mr, "created_at"), p, "open"));
            for (int i = 1; i < versions.size(); i++) {
                JsonNode version = versions.get(i);
                add(facts, mergeRequestFact(mr, "update", "opened", version.path("head_commit_sha").asText(),
                        versions.get(i - 1).path("head_commit_sha").asText(), mr.path("author"),
                        instant(version, "created_at"), p, "update:" + version.path("id").asText()));
            }
            JsonNode answer = api.get(uri(mrPath + "/approvals"));
            Map<String, Instant> noted = null; // the approvals' times from the system notes, read only when needed
            Instant mergedAt = instant(mr, "merged_at");
            for (JsonNode approval : answer.path("approved_by")) {
                JsonNode user = approval.path("user");
                String username = user.path("username").asText();
                Instant at = instant(approval, "approved_at");
                if (at == null) {
                    noted = noted != null ? noted : approvalNotes(mrPath, mergedAt);
                    at = noted.get(username);
                }
                String head = at == null ? null : headAt(versions, at);
                if (at == null || head == null) {
                    // Neither when nor on which commit: not written, so it never counts (nor stands as stale).
                    unavailable.add("approval of !" + mr.path("iid").asText() + " by " + username + ": GitLab "
                            + (at == null ? "gives no time for it (no approved_at, no system note)"
                            : "has no version of the merge request from then") + ", so not the commit it was given "
                            + "on; it is not imported, and the change is judged without it");
                    continue;
                }
                add(facts, mergeRequestFact(mr, "approved", mergedAt != null && at.isBefore(mergedAt) ? "opened"
                        : "merged", head, null, user, at, p, "approved:" + username));
                approvals++;
            }
            JsonNode merger = mr.path("merge_user").isObject() ? mr.path("merge_user") : mr.path("merged_by");
            add(facts, mergeRequestFact(mr, "merge", "merged", mr.path("sha").asText(), null, merger,
                    instant(mr, "merged_at"), p, "merge"));
            progress.update(path, ++done, units);
        }

        // 4: pushes between consecutive successful deploys of each environment.
        // branch → commit_to → the push event that ended there (a feature branch's push is not the deploy branch's)
        Map<String, Map<String, JsonNode>> pushedTo = new HashMap<>();
        api.pages(uri(project + "/events?action=pushed&sort=asc&after=" + day(lower, -1) + "&before="
                + day(period.until(), 1) + "&per_page=100"), page -> {
            page.forEach(event -> pushedTo.computeIfAbsent(event.path("push_data").path("ref").asText(),
                    ref -> new HashMap<>()).putIfAbsent(event.path("push_data").path("commit_to").asText(), event));
            return true;
        });
        List<JsonNode> succeeded = new ArrayList<>(previous);
        inPeriod.stream().filter(d -> "success".equals(d.path("status").asText())).forEach(succeeded::add);
        Set<String> compared = new LinkedHashSet<>();
        Set<String> deployedShas = new LinkedHashSet<>();
        List<String> deployLines = new ArrayList<>();
        int unnamedPushes = 0;
        for (String environment : environments) {
            List<JsonNode> line = succeeded.stream().filter(d -> environment.equals(environment(d)))
                    .sorted(Comparator.comparing(GitLabHistory::finished)).toList();
            for (int i = 0; i < line.size(); i++) {
                JsonNode deployment = line.get(i);
                String sha = deployment.path("sha").asText();
                deployedShas.add(sha);
                String previousSha = i == 0 ? null : line.get(i - 1).path("sha").asText();
                if (previousSha != null && !previousSha.equals(sha) && compared.add(previousSha + "..." + sha)) {
                    JsonNode comparison = api.get(uri(project + "/repository/compare?from=" + previousSha + "&to="
                            + sha + "&straight=false"));
                    List<JsonNode> commits = new ArrayList<>();
                    comparison.path("commits").forEach(commits::add);
                    String branch = branch(deployment, defaultBranch);
                    for (Fact push : pushes(branch, previousSha, commits, byMergeSha,
                            pushedTo.getOrDefault(branch, Map.of()), p)) {
                        add(facts, push);
                        if (!push.body().hasNonNull("user_username")) {
                            unnamedPushes++;
                        }
                    }
                }
                if (i > 0 || !previous.contains(deployment)) {
                    deployLines.add(describe(deployment, i == 0 ? null : line.get(i - 1)));
                }
            }
        }
        if (unnamedPushes > 0) {
            unavailable.add(unnamedPushes + " pushes whose pusher GitLab no longer names (no push event of the project "
                    + "ends there): imported as pushed by someone unknown");
        }
        // Failed deploys of the period are judged too; they have no place in the line of successful ones.
        inPeriod.stream().filter(d -> !"success".equals(d.path("status").asText()))
                .forEach(d -> deployLines.add(describe(d, null)));
        units = done + deployedShas.size();
        progress.update(path, done, units);

        // 5: the pipelines of every deployed commit.
        int pipelines = 0;
        List<String> withoutPipeline = new ArrayList<>();
        for (String sha : deployedShas) {
            int before0 = pipelines;
            for (JsonNode pipeline : api.all(uri(project + "/pipelines?sha=" + sha + "&per_page=100"), null)) {
                add(facts, pipelineFact(pipeline, p));
                pipelines++;
            }
            if (pipelines == before0) {
                withoutPipeline.add(sha.substring(0, Math.min(8, sha.length())));
            }
            progress.update(path, ++done, units);
        }
        if (!withoutPipeline.isEmpty()) {
            unavailable.add("deployed commits without a pipeline (" + String.join(", ", withoutPipeline) + "): none "
                    + "ran, or GitLab no longer has it (pipelines can be deleted, or expire where an instance says "
                    + "so); what ran is not known, and the verdict says CI_MISSING, never a pass");
        }
        List<Fact> ordered = new ArrayList<>(facts.values());
        ordered.sort(Fact.ORDER);
        return new History(fullPath, ordered, deployLines, merged.size(), approvals, pipelines, unavailable);
    }

    /** The project as hooks name it: its path, and the {@code project} object they carry. */
    record Project(String path, ObjectNode ref) {

        ObjectNode repository() {
            ObjectNode repository = Json.mapper().createObjectNode();
            repository.put("name", ref.path("name").asText());
            repository.put("url", ref.path("web_url").asText(null));
            repository.put("description", ref.path("description").asText(null));
            repository.put("homepage", ref.path("web_url").asText(null));
            return repository;
        }
    }

    /**
     * When each user last approved the merge request by {@code until}, from its system notes ("approved this merge
     * request"): for GitLab versions whose approvals answer has no {@code approved_at}.
     */
    private Map<String, Instant> approvalNotes(String mrPath, Instant until) throws IOException, InterruptedException {
        Map<String, Instant> approved = new HashMap<>();
        for (JsonNode note : api.all(uri(mrPath + "/notes?sort=asc&order_by=created_at&per_page=100"), null)) {
            Instant at = instant(note, "created_at");
            String body = note.path("body").asText("");
            if (note.path("system").asBoolean(false) && at != null && (until == null || !at.isAfter(until))) {
                String username = note.path("author").path("username").asText();
                if (body.startsWith("approved this merge request")) {
                    approved.put(username, at);
                } else if (body.startsWith("unapproved this merge request")) {
                    approved.remove(username);
                }
            }
        }
        return approved;
    }

    /** The head a merge request had at {@code at}: its newest diff version created by then; null if none was. */
    static String headAt(List<JsonNode> versionsOldestFirst, Instant at) {
        String head = null;
        for (JsonNode version : versionsOldestFirst) {
            Instant created = instant(version, "created_at");
            if (created != null && !created.isAfter(at)) {
                head = version.path("head_commit_sha").asText(null);
            }
        }
        return head;
    }

    /** The commit a merge gave the target branch: the merge commit, else the squashed one, else the head itself. */
    static String mergedSha(JsonNode mr) {
        for (String field : List.of("merge_commit_sha", "squash_commit_sha", "sha")) {
            if (mr.hasNonNull(field) && !mr.get(field).asText().isEmpty()) {
                return mr.get(field).asText();
            }
        }
        return null;
    }

    private static String environment(JsonNode deployment) {
        JsonNode env = deployment.path("environment");
        return env.isObject() ? env.path("name").asText() : env.asText();
    }

    /**
     * When a deployment (or a pipeline) reached the status it has: {@code finished_at} where GitLab gives it, else its
     * last update.
     */
    private static Instant finished(JsonNode deployment) {
        Instant finished = instant(deployment, "finished_at");
        return finished != null ? finished : instant(deployment, "updated_at");
    }

    private static String describe(JsonNode deployment, JsonNode previous) {
        String sha = deployment.path("sha").asText();
        String status = deployment.path("status").asText();
        return "deployment " + deployment.path("id").asText() + " to " + environment(deployment) + " of "
                + sha.substring(0, Math.min(8, sha.length())) + " "
                + ("success".equals(status) ? "succeeded " + finished(deployment) : "ended " + status)
                + "; previous deploy: " + (previous == null ? "none (the first Oversight will know)"
                : "deployment " + previous.path("id").asText());
    }

    // ---- the hooks GitLab would have sent ----------------------------------------------------------------------

    static Fact deploymentFact(JsonNode deployment, Project project) {
        String sha = deployment.path("sha").asText();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("object_kind", "deployment");
        body.put("status", deployment.path("status").asText());
        Instant at = finished(deployment);
        body.put("status_changed_at", at == null ? null : at.toString());
        body.put("deployment_id", deployment.path("id").asLong());
        JsonNode deployable = deployment.path("deployable");
        if (deployable.isObject()) {
            body.put("deployable_id", deployable.path("id").asLong());
            body.put("deployable_url", deployable.path("web_url").asText(null));
        }
        body.put("environment", environment(deployment));
        body.put("environment_external_url", deployment.path("environment").path("external_url").asText(null));
        body.set("project", project.ref().deepCopy());
        body.put("short_sha", sha.substring(0, Math.min(8, sha.length())));
        body.set("user", deployment.path("user").deepCopy());
        body.put("user_url", deployment.path("user").path("web_url").asText(null));
        body.put("commit_url", project.ref().path("web_url").asText() + "/-/commit/" + sha);
        body.put("commit_title", deployable.path("commit").path("title").asText(null));
        body.put("ref", deployment.path("ref").asText(null));
        return new Fact("Deployment Hook", BackfillIds.of(project.path(), "deployment:" + deployment.path("id").asText()
                + ":" + deployment.path("status").asText()), at, body, null);
    }

    /**
     * A Merge Request Hook: {@code action} ({@code open}, {@code update}, {@code approved}, {@code merge}) by
     * {@code user}, the merge request then in {@code state} with head {@code head} (null: not known).
     */
    static Fact mergeRequestFact(JsonNode mr, String action, String state, String head, String oldrev, JsonNode user,
                                 Instant at, Project project, String fact) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("object_kind", "merge_request");
        body.put("event_type", "merge_request");
        ObjectNode who = body.putObject("user");
        who.put("id", user.path("id").asLong());
        who.put("name", user.path("name").asText(null));
        who.put("username", user.path("username").asText(null));
        who.put("avatar_url", user.path("avatar_url").asText(null));
        body.set("project", project.ref().deepCopy());
        body.set("repository", project.repository());
        ObjectNode attributes = body.putObject("object_attributes");
        attributes.put("id", mr.path("id").asLong());
        attributes.put("iid", mr.path("iid").asLong());
        attributes.put("title", mr.path("title").asText(null));
        attributes.put("description", mr.path("description").asText(null));
        attributes.put("source_branch", mr.path("source_branch").asText(null));
        attributes.put("target_branch", mr.path("target_branch").asText(null));
        attributes.put("source_project_id", mr.path("source_project_id").asLong());
        attributes.put("target_project_id", mr.path("target_project_id").asLong());
        attributes.put("author_id", mr.path("author").path("id").asLong());
        attributes.put("created_at", mr.path("created_at").asText(null));
        attributes.put("updated_at", at == null ? null : at.toString());
        attributes.put("state", state);
        attributes.put("action", action);
        attributes.put("url", mr.path("web_url").asText(null));
        if (head != null) {
            attributes.putObject("last_commit").put("id", head);
        }
        if (oldrev != null) {
            attributes.put("oldrev", oldrev);
        }
        if ("merge".equals(action) || "merged".equals(state)) {
            attributes.put("merge_commit_sha", mr.path("merge_commit_sha").asText(null));
            attributes.put("squash_commit_sha", mr.path("squash_commit_sha").asText(null));
        }
        ArrayNode labels = body.putArray("labels");
        mr.path("labels").forEach(l -> labels.addObject().put("title", l.isObject() ? l.path("title").asText()
                : l.asText()));
        attributes.set("labels", labels.deepCopy());
        return new Fact("Merge Request Hook", BackfillIds.of(project.path(), "merge_request:" + mr.path("id").asText()
                + ":" + fact), at, body, mr.path("web_url").asText(null));
    }

    static Fact pipelineFact(JsonNode pipeline, Project project) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("object_kind", "pipeline");
        ObjectNode attributes = body.putObject("object_attributes");
        attributes.put("id", pipeline.path("id").asLong());
        attributes.put("iid", pipeline.path("iid").asLong());
        attributes.put("name", pipeline.path("name").asText(null));
        attributes.put("ref", pipeline.path("ref").asText(null));
        attributes.put("tag", pipeline.path("tag").asBoolean(false));
        attributes.put("sha", pipeline.path("sha").asText());
        attributes.put("before_sha", pipeline.path("before_sha").asText(null));
        attributes.put("source", pipeline.path("source").asText(null));
        attributes.put("status", pipeline.path("status").asText());
        attributes.put("created_at", pipeline.path("created_at").asText(null));
        Instant finished = finished(pipeline);
        attributes.put("finished_at", finished == null ? null : finished.toString());
        attributes.put("url", pipeline.path("web_url").asText(null));
        body.set("project", project.ref().deepCopy());
        body.putObject("commit").put("id", pipeline.path("sha").asText());
        if (pipeline.path("user").isObject()) {
            body.set("user", pipeline.get("user").deepCopy());
        }
        return new Fact("Pipeline Hook", BackfillIds.of(project.path(), "pipeline:" + pipeline.path("id").asText()
                + ":" + pipeline.path("status").asText()), finished, body, pipeline.path("web_url").asText(null));
    }

    /**
     * The compare API's commits (oldest first) as the pushes that brought them: a push ends where a push event of the
     * project ended, and at each merge request's merge commit; the commits after the last such end, up to the
     * deployed commit, are a push of their own.
     */
    static List<Fact> pushes(String branch, String base, List<JsonNode> commits, Map<String, JsonNode> byMergeSha,
                             Map<String, JsonNode> pushedTo, Project project) {
        return HistorySource.segments(base, commits, c -> c.path("id").asText(),
                sha -> pushedTo.containsKey(sha) || byMergeSha.containsKey(sha)).stream().map(s -> {
                    String after = s.commits().get(s.commits().size() - 1).path("id").asText();
                    return push(branch, s.before(), s.commits(), pushedTo.get(after), byMergeSha.get(after), project);
                }).toList();
    }

    private static Fact push(String branch, String before, List<JsonNode> commits, JsonNode event, JsonNode mr,
                             Project project) {
        JsonNode last = commits.get(commits.size() - 1);
        String after = last.path("id").asText();
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("object_kind", "push");
        body.put("event_name", "push");
        body.put("before", before);
        body.put("after", after);
        body.put("ref", "refs/heads/" + branch);
        body.put("checkout_sha", after);
        // Who pushed: the push event's author; else whoever merged the merge request that made the commit.
        JsonNode merger = mr == null ? null : mr.path("merge_user").isObject() ? mr.get("merge_user")
                : mr.path("merged_by").isObject() ? mr.get("merged_by") : null;
        if (event != null) {
            body.put("user_username", event.path("author_username").asText(event.path("author").path("username")
                    .asText(null)));
            body.put("user_name", event.path("author").path("name").asText(null));
        } else if (merger != null) {
            body.put("user_username", merger.path("username").asText(null));
            body.put("user_name", merger.path("name").asText(null));
        }
        body.put("project_id", project.ref().path("id").asLong());
        body.set("project", project.ref().deepCopy());
        body.set("repository", project.repository());
        ArrayNode list = body.putArray("commits");
        for (JsonNode c : commits) {
            ObjectNode commit = list.addObject();
            commit.put("id", c.path("id").asText());
            commit.put("message", c.path("message").asText(""));
            commit.put("title", c.path("title").asText(""));
            commit.put("timestamp", c.path("committed_date").asText(c.path("created_at").asText(null)));
            commit.put("url", c.path("web_url").asText(null));
            ObjectNode author = commit.putObject("author");
            author.put("name", c.path("author_name").asText(null));
            author.put("email", c.path("author_email").asText(null));
        }
        body.put("total_commits_count", commits.size());
        Instant at = event != null ? instant(event, "created_at") : instant(last, "committed_date") != null
                ? instant(last, "committed_date") : instant(last, "created_at");
        return new Fact("Push Hook", BackfillIds.of(project.path(), "push:" + before + ".." + after), at, body, null);
    }

    /** The branch a deploy was made from: its ref (GitLab's deployments name a branch or a tag), else the default. */
    static String branch(JsonNode deployment, String defaultBranch) {
        String ref = deployment.path("ref").asText("");
        if (ref.startsWith("refs/heads/")) {
            return ref.substring("refs/heads/".length());
        }
        return ref.isEmpty() || ref.startsWith("refs/") || deployment.path("tag").asBoolean(false) ? defaultBranch
                : ref;
    }

    /** A day, {@code YYYY-MM-DD}, {@code offset} days from {@code time}'s (the events API takes days, exclusive). */
    private static String day(Instant time, int offset) {
        return time.atZone(ZoneOffset.UTC).toLocalDate().plusDays(offset).toString();
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
