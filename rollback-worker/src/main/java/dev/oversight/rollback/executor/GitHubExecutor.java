package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Redact;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolls back through GitHub Deployments: {@code POST /repos/{owner}/{repo}/deployments} of the last good commit to
 * the environment, with {@code auto_merge: false} and {@code required_contexts: []} (the commit is deployed as it
 * is), and a payload that marks it a rollback: {@code rollback_of} (the violating deploy, which Oversight's ingest
 * reads back), {@code service}, and {@code oversight} with the idempotency key. Whatever deploys on GitHub
 * deployment events (an Actions workflow, a deploy bot) carries it out.
 * <p>
 * Before creating one, it lists the deployments of that commit to that environment and adopts one whose payload
 * carries the same idempotency key, so a restart in the middle never creates a second.
 */
public final class GitHubExecutor implements RollbackExecutor {

    private final URI api;
    private final String token;
    private final HttpSender http;

    public GitHubExecutor(URI apiBase, String token, HttpSender http) {
        this.api = URI.create(apiBase.toString().replaceAll("/+$", ""));
        this.token = token;
        this.http = http;
    }

    @Override
    public String name() {
        return "github";
    }

    @Override
    public boolean repeatable() {
        return true;
    }

    @Override
    public Action.Request describe(RollbackJob job) {
        return new Action.Request("POST", Redact.url(URI.create(deploymentsUrl(job))), body(job));
    }

    @Override
    public Lookup lookup(RollbackJob job) throws DeliveryException {
        URI url = URI.create(deploymentsUrl(job) + "?sha=" + encode(job.target().sha()) + "&environment="
                + encode(job.environment()) + "&per_page=100");
        HttpSender.Answer answer = http.exchange(HttpSender.Call.get(url, headers()));
        if (!answer.ok()) {
            throw HttpSender.failure(answer);
        }
        try {
            for (JsonNode deployment : Json.mapper().readTree(answer.body())) {
                JsonNode payload = deployment.path("payload");
                if (payload.isTextual()) {
                    payload = Json.mapper().readTree(payload.asText());
                }
                if (job.actionId().equals(payload.path("oversight").path("idempotencyKey").asText(null))) {
                    return Lookup.found("GitHub deployment " + deployment.path("id").asText() + " of "
                            + job.target().sha() + " to " + job.environment() + " was already created for this rollback");
                }
            }
        } catch (IOException e) {
            throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "GitHub's deployment list is not JSON");
        }
        return Lookup.notFound();
    }

    @Override
    public String execute(RollbackJob job) throws DeliveryException {
        Lookup earlier = lookup(job);
        if (earlier.state() == Lookup.State.FOUND) {
            return earlier.detail();
        }
        HttpSender.Answer answer = http.exchange(HttpSender.Call.postJson(URI.create(deploymentsUrl(job)), headers(),
                body(job)));
        if (answer.status() != 201) {
            // 202 is GitHub merging the default branch first, which auto_merge false rules out; anything else failed.
            throw answer.ok() ? new DeliveryException(DeliveryException.Kind.FATAL, "GitHub answered HTTP "
                    + answer.status() + " instead of creating the deployment: " + HttpSender.abbreviate(answer.body()))
                    : HttpSender.failure(answer);
        }
        String id;
        try {
            id = Json.mapper().readTree(answer.body()).path("id").asText("?");
        } catch (IOException e) {
            id = "?";
        }
        return "GitHub deployment " + id + " of " + job.target().sha() + " to " + job.environment() + " created";
    }

    private String deploymentsUrl(RollbackJob job) {
        RollbackTarget.GitHub settings = (RollbackTarget.GitHub) job.settings();
        return api + "/repos/" + settings.owner() + "/" + settings.repo() + "/deployments";
    }

    static String body(RollbackJob job) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("service", job.verdict().service());
        payload.put("rollback_of", job.verdict().deployId());
        payload.put("oversight", job.facts());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ref", job.target().sha());
        body.put("task", "deploy");
        body.put("auto_merge", false);
        body.put("required_contexts", List.of());
        body.put("environment", job.environment());
        body.put("description", cut("Oversight: roll back " + job.verdict().service() + " to its last compliant "
                + "version; deploy " + job.verdict().deployId() + " skipped oversight", 140));
        body.put("payload", payload);
        return Json.toString(body);
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/vnd.github+json");
        headers.put("X-GitHub-Api-Version", "2022-11-28");
        headers.put("Authorization", "Bearer " + token);
        return headers;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
