package dev.oversight.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.github.GitHubSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.UUID;

/**
 * GitHub webhook deliveries for the demo (and tests), made from GitHub's own example payloads (resources under
 * {@code demo/github}, see ORIGIN.md there) with the repository, people, commits and times of each step set.
 */
public final class GitHubPayloads {

    /** One webhook delivery: its event type, delivery id and body. */
    public record Delivery(String event, String deliveryId, byte[] body, String description) {

        /** The delivery as GitHub posts it to a webhook URL: JSON, its event and id, signed with the secret. */
        public HttpRequest request(URI url, String secret) {
            return HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/json")
                    .header("X-GitHub-Event", event)
                    .header("X-GitHub-Delivery", deliveryId)
                    .header(GitHubSignature.HEADER, GitHubSignature.sign(secret, body))
                    .header("User-Agent", "GitHub-Hookshot/oversight")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        }
    }

    private final String owner;
    private final String name;

    public GitHubPayloads(String fullName) {
        int slash = fullName.indexOf('/');
        this.owner = fullName.substring(0, slash);
        this.name = fullName.substring(slash + 1);
    }

    public String fullName() {
        return owner + "/" + name;
    }

    public Delivery pullRequest(String action, long number, String title, String author, String headSha,
                                String mergeSha, String mergedBy, Instant at) {
        ObjectNode body = template("pull_request.json");
        body.put("action", action);
        body.put("number", number);
        ObjectNode pr = (ObjectNode) body.get("pull_request");
        pr.put("number", number);
        pr.put("title", title);
        pr.put("html_url", "https://github.com/" + fullName() + "/pull/" + number);
        user(pr, "user", author);
        ((ObjectNode) pr.get("head")).put("sha", headSha).put("ref", "change-" + number);
        ((ObjectNode) pr.get("base")).put("ref", "main");
        pr.put("updated_at", at.toString());
        boolean merged = mergeSha != null;
        pr.put("state", "closed".equals(action) ? "closed" : "open");
        pr.put("merged", merged);
        if (merged) {
            pr.put("merge_commit_sha", mergeSha);
            pr.put("merged_at", at.toString());
            pr.put("closed_at", at.toString());
            user(pr, "merged_by", mergedBy);
        }
        user(body, "sender", merged ? mergedBy : author);
        return delivery("pull_request", body, "pull_request " + action + " #" + number + " by " + author
                + (merged ? " (merged as " + mergeSha.substring(0, 7) + " by " + mergedBy + ")" : ""));
    }

    public Delivery review(long number, String changeAuthor, String reviewer, String state, String commitSha,
                           Instant at) {
        ObjectNode body = template("pull_request_review.json");
        body.put("action", "submitted");
        ObjectNode review = (ObjectNode) body.get("review");
        review.put("id", Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L));
        review.put("state", state);
        review.put("commit_id", commitSha);
        review.put("submitted_at", at.toString());
        user(review, "user", reviewer);
        ObjectNode pr = (ObjectNode) body.get("pull_request");
        pr.put("number", number);
        user(pr, "user", changeAuthor);
        ((ObjectNode) pr.get("head")).put("sha", commitSha);
        user(body, "sender", reviewer);
        return delivery("pull_request_review", body, "pull_request_review " + state + " on #" + number + " by "
                + reviewer);
    }

    public Delivery checkRun(String checkName, String sha, String conclusion, Instant at) {
        ObjectNode body = template("check-run.json");
        body.put("action", "completed");
        ObjectNode run = (ObjectNode) body.get("check_run");
        run.put("id", Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L));
        run.put("name", checkName);
        run.put("head_sha", sha);
        run.put("status", "completed");
        run.put("conclusion", conclusion);
        run.put("started_at", at.minusSeconds(90).toString());
        run.put("completed_at", at.toString());
        ((ObjectNode) run.get("check_suite")).put("head_sha", sha).put("head_branch", "main");
        return delivery("check_run", body, "check_run " + checkName + " " + conclusion + " on " + sha.substring(0, 7));
    }

    /** A push to a branch: the commits it brought (each touching the given files), pushed by the given account. */
    public Delivery push(String branch, String before, String after, String pusher, java.util.List<String> commits,
                         java.util.List<String> files, Instant at) {
        ObjectNode body = template("push.json");
        body.put("ref", "refs/heads/" + branch);
        body.put("before", before);
        body.put("after", after);
        body.put("forced", false);
        body.put("created", false);
        body.put("deleted", false);
        ((ObjectNode) body.get("repository")).put("pushed_at", at.getEpochSecond());
        com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("commits");
        for (String sha : commits) {
            ObjectNode commit = list.addObject();
            commit.put("id", sha);
            commit.put("distinct", true);
            commit.put("message", "Commit " + sha.substring(0, 7));
            commit.put("timestamp", at.toString());
            commit.putObject("author").put("name", pusher).put("username", pusher);
            commit.putArray("added");
            com.fasterxml.jackson.databind.node.ArrayNode modified = commit.putArray("modified");
            files.forEach(modified::add);
            commit.putArray("removed");
        }
        body.set("head_commit", list.isEmpty() ? null : list.get(list.size() - 1));
        body.putObject("pusher").put("name", pusher).put("email", pusher + "@users.noreply.github.com");
        user(body, "sender", pusher);
        return delivery("push", body, "push to " + branch + ": " + before.substring(0, 7) + ".." + after.substring(0, 7)
                + " by " + pusher);
    }

    public Delivery deploymentStatus(long deploymentId, String sha, String environment, String creator, String state,
                                     Instant at) {
        return deploymentStatus(deploymentId, sha, environment, creator, state, at, java.util.Map.of());
    }

    /** A deployment status whose deployment carries a payload (a service name, a break-glass flag). */
    public Delivery deploymentStatus(long deploymentId, String sha, String environment, String creator, String state,
                                     Instant at, java.util.Map<String, Object> payload) {
        ObjectNode body = template("deployment_status.json");
        ObjectNode deployment = (ObjectNode) body.get("deployment");
        deployment.set("payload", Json.mapper().valueToTree(payload));
        deployment.put("id", deploymentId);
        deployment.put("sha", sha);
        deployment.put("ref", "main");
        deployment.put("environment", environment);
        deployment.put("created_at", at.minusSeconds(30).toString());
        user(deployment, "creator", creator);
        ObjectNode status = (ObjectNode) body.get("deployment_status");
        status.put("state", state);
        status.put("environment", environment);
        status.put("created_at", at.toString());
        status.put("updated_at", at.toString());
        user(status, "creator", creator);
        user(body, "sender", creator);
        return delivery("deployment_status", body, "deployment_status " + state + ": " + sha.substring(0, 7) + " to "
                + environment + " by " + creator);
    }

    private ObjectNode template(String file) {
        try (InputStream in = GitHubPayloads.class.getResourceAsStream("/demo/github/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing payload template " + file);
            }
            ObjectNode body = (ObjectNode) Json.mapper().readTree(in);
            ObjectNode repository = (ObjectNode) body.get("repository");
            repository.put("name", name);
            repository.put("full_name", fullName());
            repository.put("html_url", "https://github.com/" + fullName());
            JsonNode ownerNode = repository.get("owner");
            if (ownerNode instanceof ObjectNode o) {
                o.put("login", owner);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void user(ObjectNode parent, String field, String login) {
        JsonNode existing = parent.get(field);
        ObjectNode user = existing instanceof ObjectNode o ? o : parent.putObject(field);
        user.put("login", login);
        user.put("type", login.endsWith("[bot]") ? "Bot" : "User");
        user.put("html_url", "https://github.com/" + login);
    }

    private static Delivery delivery(String event, ObjectNode body, String description) {
        return new Delivery(event, UUID.randomUUID().toString(), Json.toBytes(body), description);
    }
}
