package dev.oversight.launcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.backfill.GitLabStory;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * GitLab webhook deliveries of a story, made from GitLab's own hook payloads (resources under
 * {@code gitlab-webhooks}, see ORIGIN.md there) with the project, people, commits and times of each step set.
 */
final class GitLabWebhooks {

    /** One delivery: its {@code X-Gitlab-Event}, and its body. */
    record Delivery(String event, byte[] body, String description) {

        /** As GitLab posts it: JSON, its event, a fresh event UUID, the webhook's secret token. */
        HttpRequest request(URI url, String token) {
            return HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/json")
                    .header("X-Gitlab-Event", event)
                    .header("X-Gitlab-Event-UUID", UUID.randomUUID().toString())
                    .header("X-Gitlab-Token", token)
                    .header("User-Agent", "GitLab/17.0.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        }
    }

    /** GitLab's hooks write most times as {@code 2016-08-12 15:23:28 UTC}. */
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String fullName;

    GitLabWebhooks(String fullName) {
        this.fullName = fullName;
    }

    private void project(ObjectNode body) {
        ObjectNode project = (ObjectNode) body.get("project");
        project.put("name", fullName.substring(fullName.lastIndexOf('/') + 1));
        project.put("path_with_namespace", fullName);
        project.put("web_url", GitLabStory.web(fullName));
        project.put("homepage", GitLabStory.web(fullName));
        project.put("default_branch", "main");
    }

    private static void user(ObjectNode node, String field, String username) {
        ObjectNode user = node.path(field).isObject() ? (ObjectNode) node.get(field) : node.putObject(field);
        user.put("id", GitLabStory.userId(username));
        user.put("username", username);
        user.put("name", username);
    }

    /**
     * A Merge Request Hook: {@code action} by {@code user} on merge request {@code iid} by {@code author}, its head
     * then {@code head}.
     */
    Delivery mergeRequest(String action, String state, long iid, String title, String author, String user,
                          String head, String oldrev, String mergeSha, Instant at) {
        ObjectNode body = template("merge_request.json");
        project(body);
        user(body, "user", user);
        ObjectNode mr = (ObjectNode) body.get("object_attributes");
        mr.put("id", 1_000_000 + iid);
        mr.put("iid", iid);
        mr.put("title", title);
        mr.put("author_id", GitLabStory.userId(author));
        mr.put("source_branch", "change-" + iid);
        mr.put("target_branch", "main");
        mr.put("state", state);
        mr.put("action", action);
        mr.put("updated_at", at.toString());
        mr.put("url", GitLabStory.web(fullName) + "/-/merge_requests/" + iid);
        ((ObjectNode) mr.get("last_commit")).put("id", head).put("timestamp", at.toString());
        if (oldrev != null) {
            mr.put("oldrev", oldrev);
        }
        if (mergeSha != null) {
            mr.put("merge_commit_sha", mergeSha);
        }
        mr.set("labels", Json.mapper().createArrayNode());
        body.set("labels", Json.mapper().createArrayNode());
        return delivery("Merge Request Hook", body, action + " !" + iid + " by " + user);
    }

    Delivery push(String before, String after, String pusher, String path, Instant at) {
        ObjectNode body = template("push.json");
        project(body);
        body.put("before", before);
        body.put("after", after);
        body.put("checkout_sha", after);
        body.put("ref", "refs/heads/main");
        body.put("user_username", pusher);
        body.put("user_name", pusher);
        ArrayNode commits = body.putArray("commits");
        ObjectNode commit = (ObjectNode) template("push.json").get("commits").get(0);
        commit.put("id", after);
        commit.put("message", "commit " + after.substring(0, 7));
        commit.put("title", "commit " + after.substring(0, 7));
        commit.put("timestamp", at.toString());
        ((ObjectNode) commit.get("author")).put("name", pusher).put("email", pusher + "@example.com");
        commit.set("added", Json.mapper().createArrayNode().add(path));
        commit.set("modified", Json.mapper().createArrayNode());
        commits.add(commit);
        body.put("total_commits_count", 1);
        return delivery("Push Hook", body, "push of " + after.substring(0, 7) + " by " + pusher);
    }

    Delivery pipeline(long id, String name, String sha, String status, Instant at) {
        ObjectNode body = template("pipeline.json");
        project(body);
        ObjectNode pipeline = (ObjectNode) body.get("object_attributes");
        pipeline.put("id", id);
        pipeline.put("name", name);
        pipeline.put("sha", sha);
        pipeline.put("ref", "main");
        pipeline.put("tag", false);
        pipeline.put("source", "push");
        pipeline.put("status", status);
        pipeline.put("created_at", SPACED.format(at.minusSeconds(60)));
        pipeline.put("finished_at", SPACED.format(at));
        pipeline.put("url", GitLabStory.web(fullName) + "/-/pipelines/" + id);
        body.remove("merge_request");
        body.set("builds", Json.mapper().createArrayNode());
        return delivery("Pipeline Hook", body, "pipeline " + id + " " + status);
    }

    Delivery deployment(long id, String sha, String environment, String user, String status, Instant at) {
        ObjectNode body = template("deployment.json");
        project(body);
        body.put("status", status);
        body.put("status_changed_at", SPACED.format(at));
        body.put("deployment_id", id);
        body.put("environment", environment);
        body.put("short_sha", sha.substring(0, 8));
        body.put("commit_url", GitLabStory.web(fullName) + "/-/commit/" + sha);
        user(body, "user", user);
        return delivery("Deployment Hook", body, "deployment " + id + " " + status);
    }

    private static Delivery delivery(String event, ObjectNode body, String description) {
        try {
            return new Delivery(event, Json.mapper().writeValueAsBytes(body), description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode template(String name) {
        try (InputStream in = GitLabWebhooks.class.getResourceAsStream("/gitlab-webhooks/" + name)) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
