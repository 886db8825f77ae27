package dev.oversight.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A story ({@link GitHubStory}'s deploys, changes, approvals, commits and checks) told as GitLab's REST API v4 answers
 * it: every resource is a copy of the example GitLab's API documentation gives for it (src/test/resources/gitlab-api,
 * see ORIGIN.md) with the story's ids, commits, people and times set. A pull request is a merge request, a review an
 * approval, a check a pipeline; the same story can be sent as GitLab's webhooks to compare.
 */
public final class GitLabStory {

    private final GitHubStory story;
    /** Whether approvals carry {@code approved_at} (current GitLab) or not (older GitLab). */
    private boolean approvedAt = true;
    /** Whether the merge requests' system notes say who approved when. */
    private boolean approvalNotes = true;

    public GitLabStory(GitHubStory story) {
        this.story = story;
    }

    public GitHubStory story() {
        return story;
    }

    /** Approvals without their time, as GitLab answered before it gave {@code approved_at}. */
    public GitLabStory withoutApprovalTimes() {
        approvedAt = false;
        return this;
    }

    /** No system note of any approval either: GitLab then says nothing of when an approval was given. */
    public GitLabStory withoutApprovalNotes() {
        approvalNotes = false;
        return this;
    }

    /** The project's path as the API's addresses carry it: URL-encoded. */
    public String project() {
        return "projects/" + URLEncoder.encode(story.fullName(), StandardCharsets.UTF_8);
    }

    public static String web(String fullName) {
        return "https://gitlab.example.com/" + fullName;
    }

    /** The head a merge request had first: the commit its first approval was given on (as the webhooks tell it). */
    public static String firstHead(GitHubStory.Pull pull) {
        return pull.reviews().isEmpty() ? pull.headSha() : pull.reviews().get(0).commitId();
    }

    /** When the head became the final one, if it changed: an hour after the first approval. */
    public static Instant pushedAt(GitHubStory.Pull pull) {
        return pull.reviews().get(0).at().plusSeconds(3600);
    }

    /** The user id a login has in the story (GitLab's hooks compare ids, not names). */
    public static long userId(String login) {
        return Math.abs((long) login.hashCode()) % 1_000_000 + 1;
    }

    /** Serves the story on the fake API (started with {@link FakeGitHub#startGitLab()}). */
    public void serve(FakeGitHub gitlab) {
        String fullName = story.fullName();
        String project = project();
        ObjectNode found = (ObjectNode) template("project");
        found.put("id", Math.abs(fullName.hashCode()));
        found.put("name", fullName.substring(fullName.lastIndexOf('/') + 1));
        found.put("path", fullName.substring(fullName.lastIndexOf('/') + 1));
        found.put("path_with_namespace", fullName);
        found.put("web_url", web(fullName));
        found.put("default_branch", "main");
        gitlab.put(project, found);

        ArrayNode deployments = Json.mapper().createArrayNode();
        story.deploys.stream().sorted(Comparator.comparing(GitHubStory.Deploy::at).reversed())
                .forEach(d -> deployments.add(deployment(d)));
        gitlab.put(project + "/deployments?order_by=created_at&sort=desc", deployments);
        for (String environment : story.deploys.stream().map(GitHubStory.Deploy::environment).distinct().toList()) {
            ArrayNode only = Json.mapper().createArrayNode();
            deployments.forEach(d -> {
                if (d.path("environment").path("name").asText().equals(environment)) {
                    only.add(d);
                }
            });
            gitlab.put(project + "/deployments?environment=" + environment + "&order_by=created_at&sort=desc", only);
        }

        ArrayNode merged = Json.mapper().createArrayNode();
        story.pulls.stream().sorted(Comparator.comparing(GitHubStory.Pull::mergedAt).reversed()).forEach(p -> {
            merged.add(mergeRequest(p));
            gitlab.put(project + "/merge_requests/" + p.number() + "/versions", versions(p));
            gitlab.put(project + "/merge_requests/" + p.number() + "/approvals", approvals(p));
            gitlab.put(project + "/merge_requests/" + p.number() + "/notes?order_by=created_at&sort=asc", notes(p));
        });
        ArrayNode pushes = Json.mapper().createArrayNode();
        for (int i = story.commits.size() - 1; i >= 1; i--) {
            pushes.add(pushEvent(story.commits.get(i - 1), story.commits.get(i)));
        }
        // The lists asked with a time or day in their query: served whatever the time asked (the backfill filters).
        gitlab.resolver(key -> {
            if (key.startsWith(project + "/merge_requests?") && key.contains("state=merged")) {
                return merged;
            }
            if (key.startsWith(project + "/events?") && key.contains("action=pushed")) {
                ArrayNode ascending = Json.mapper().createArrayNode();
                for (int i = pushes.size() - 1; i >= 0; i--) {
                    ascending.add(pushes.get(i));
                }
                return ascending;
            }
            return null;
        });

        List<GitHubStory.Deploy> line = story.deploys.stream().filter(d -> "success".equals(d.state()))
                .sorted(Comparator.comparing(GitHubStory.Deploy::at)).toList();
        for (int i = 1; i < line.size(); i++) {
            String base = line.get(i - 1).sha();
            String head = line.get(i).sha();
            ObjectNode comparison = (ObjectNode) template("repository-compare");
            ArrayNode list = comparison.putArray("commits");
            boolean in = false;
            for (GitHubStory.Commit c : story.commits) {
                if (in) {
                    list.add(commit(c));
                }
                in = in || c.sha().equals(base);
                if (c.sha().equals(head)) {
                    break;
                }
            }
            comparison.set("commit", list.get(list.size() - 1).deepCopy());
            comparison.put("web_url", web(fullName) + "/-/compare/" + base + "..." + head);
            gitlab.put(project + "/repository/compare?from=" + base + "&straight=false&to=" + head, comparison);
        }
        for (GitHubStory.Deploy d : story.deploys) {
            ArrayNode pipelines = Json.mapper().createArrayNode();
            story.checks.stream().filter(c -> c.sha().equals(d.sha())).forEach(c -> pipelines.add(pipeline(c)));
            gitlab.put(project + "/pipelines?sha=" + d.sha(), pipelines);
        }
    }

    public ObjectNode deployment(GitHubStory.Deploy d) {
        ObjectNode node = (ObjectNode) template("deployment-items").get(0);
        node.put("id", d.id());
        node.put("iid", d.id());
        node.put("sha", d.sha());
        node.put("ref", "main");
        node.put("status", "success".equals(d.state()) ? "success" : "failed");
        node.put("created_at", d.at().minusSeconds(30).toString());
        node.put("updated_at", d.at().toString());
        ((ObjectNode) node.get("environment")).put("name", d.environment());
        ObjectNode deployable = (ObjectNode) node.get("deployable");
        deployable.put("id", d.statusId());
        ((ObjectNode) deployable.get("commit")).put("id", d.sha()).put("short_id", d.sha().substring(0, 8));
        ((ObjectNode) deployable.get("pipeline")).put("sha", d.sha());
        deployable.put("web_url", web(story.fullName()) + "/-/jobs/" + d.statusId());
        user(node, "user", d.creator());
        return node;
    }

    public ObjectNode mergeRequest(GitHubStory.Pull p) {
        ObjectNode node = (ObjectNode) template("merge-request-items").get(0);
        node.put("id", 1_000_000 + p.number());
        node.put("iid", p.number());
        node.put("project_id", Math.abs(story.fullName().hashCode()));
        node.put("title", p.title());
        node.put("state", "merged");
        node.put("created_at", p.createdAt().toString());
        node.put("updated_at", p.mergedAt().toString());
        node.put("merged_at", p.mergedAt().toString());
        node.put("source_branch", p.headRef());
        node.put("target_branch", "main");
        node.put("sha", p.headSha());
        node.put("merge_commit_sha", p.mergeSha());
        node.put("web_url", web(story.fullName()) + "/-/merge_requests/" + p.number());
        node.set("labels", Json.mapper().createArrayNode());
        user(node, "author", p.author());
        user(node, "merged_by", p.author());
        user(node, "merge_user", p.author());
        return node;
    }

    /** The merge request's diff versions, newest first: its first head, and its final one if that differs. */
    public ArrayNode versions(GitHubStory.Pull p) {
        ArrayNode template = (ArrayNode) template("merge-request-versions");
        ArrayNode versions = Json.mapper().createArrayNode();
        ObjectNode first = (ObjectNode) template.get(1);
        first.put("id", p.number() * 10);
        first.put("head_commit_sha", firstHead(p));
        first.put("created_at", p.createdAt().toString());
        first.put("merge_request_id", 1_000_000 + p.number());
        if (!firstHead(p).equals(p.headSha())) {
            ObjectNode last = (ObjectNode) template.get(0);
            last.put("id", p.number() * 10 + 1);
            last.put("head_commit_sha", p.headSha());
            last.put("created_at", pushedAt(p).toString());
            last.put("merge_request_id", 1_000_000 + p.number());
            versions.add(last);
        }
        versions.add(first);
        return versions;
    }

    public ObjectNode approvals(GitHubStory.Pull p) {
        ObjectNode node = (ObjectNode) template("merge-request-approvals");
        node.put("id", 1_000_000 + p.number());
        node.put("iid", p.number());
        node.put("state", "merged");
        ArrayNode approvedBy = node.putArray("approved_by");
        for (GitHubStory.Review r : p.reviews()) {
            if (r.state().toUpperCase(Locale.ROOT).equals("APPROVED")) {
                ObjectNode approval = approvedBy.addObject();
                user(approval, "user", r.reviewer());
                if (approvedAt) {
                    approval.put("approved_at", r.at().toString());
                }
            }
        }
        node.put("approvals_left", 0);
        return node;
    }

    /** The merge request's system notes: one per approval, as GitLab writes it. */
    public ArrayNode notes(GitHubStory.Pull p) {
        ArrayNode notes = Json.mapper().createArrayNode();
        for (GitHubStory.Review r : p.reviews()) {
            if (approvalNotes && r.state().toUpperCase(Locale.ROOT).equals("APPROVED")) {
                ObjectNode note = (ObjectNode) template("merge-request-note-items").get(0);
                note.put("id", r.id());
                note.put("body", "approved this merge request");
                note.put("system", true);
                note.put("created_at", r.at().toString());
                note.put("updated_at", r.at().toString());
                note.put("noteable_id", 1_000_000 + p.number());
                note.put("noteable_iid", p.number());
                user(note, "author", r.reviewer());
                notes.add(note);
            }
        }
        return notes;
    }

    /** A push event of the project: {@code c} pushed to main by its author, on top of {@code before}. */
    public ObjectNode pushEvent(GitHubStory.Commit before, GitHubStory.Commit c) {
        ObjectNode node = (ObjectNode) template("push-event-items").get(0);
        node.put("id", Math.abs(c.sha().hashCode()));
        node.put("created_at", c.at().toString());
        user(node, "author", c.author());
        node.put("author_id", userId(c.author()));
        node.put("author_username", c.author());
        ObjectNode push = (ObjectNode) node.get("push_data");
        push.put("commit_from", before.sha());
        push.put("commit_to", c.sha());
        push.put("ref", "main");
        push.put("commit_title", "commit " + c.sha().substring(0, 7));
        return node;
    }

    public ObjectNode commit(GitHubStory.Commit c) {
        ObjectNode node = (ObjectNode) template("repository-compare").get("commits").get(0);
        node.put("id", c.sha());
        node.put("short_id", c.sha().substring(0, 11));
        node.put("title", "commit " + c.sha().substring(0, 7));
        node.put("message", "commit " + c.sha().substring(0, 7));
        node.put("author_name", c.author());
        node.put("author_email", c.author() + "@example.com");
        node.put("created_at", c.at().toString());
        node.put("authored_date", c.at().toString());
        node.put("committed_date", c.at().toString());
        node.put("web_url", web(story.fullName()) + "/-/commit/" + c.sha());
        return node;
    }

    public ObjectNode pipeline(GitHubStory.Check c) {
        ObjectNode node = (ObjectNode) template("pipeline-items").get(0);
        node.put("id", c.id());
        node.put("iid", c.id());
        node.put("project_id", Math.abs(story.fullName().hashCode()));
        node.put("status", status(c.conclusion()));
        node.put("ref", "main");
        node.put("sha", c.sha());
        node.put("name", c.name());
        node.put("web_url", web(story.fullName()) + "/-/pipelines/" + c.id());
        node.put("created_at", c.at().minusSeconds(60).toString());
        node.put("updated_at", c.at().toString());
        return node;
    }

    /** A check's conclusion as a GitLab pipeline's status. */
    public static String status(String conclusion) {
        return switch (conclusion) {
            case "success" -> "success";
            case "cancelled" -> "canceled";
            case "skipped" -> "skipped";
            default -> "failed";
        };
    }

    private static void user(ObjectNode node, String field, String username) {
        ObjectNode user = node.path(field).isObject() ? (ObjectNode) node.get(field) : node.putObject(field);
        user.put("id", userId(username));
        user.put("username", username);
        user.put("name", username);
        user.put("web_url", "https://gitlab.example.com/" + username);
    }

    private static final Map<String, JsonNode> TEMPLATES = new LinkedHashMap<>();

    /** A fresh copy of GitLab's documented example {@code name}. */
    static synchronized JsonNode template(String name) {
        JsonNode template = TEMPLATES.computeIfAbsent(name, n -> {
            try (InputStream in = GitLabStory.class.getResourceAsStream("/gitlab-api/" + n + ".json")) {
                return Json.mapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return template.deepCopy();
    }
}
