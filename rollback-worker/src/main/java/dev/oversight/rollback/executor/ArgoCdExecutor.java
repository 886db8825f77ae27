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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rolls back through Argo CD's REST API: {@code POST /api/v1/applications/{name}/sync} with {@code revision} = the
 * last good commit, {@code Authorization: Bearer <token>}.
 * <p>
 * A sync to a revision, not {@code /rollback}: a rollback names an entry of the application's own history (an id),
 * which holds only what Argo CD itself synced, only the last {@code revisionHistoryLimit} of them, and is refused
 * while automated sync is on; a sync takes the commit Oversight knows to be good, whatever deployed it. Syncing to
 * one revision twice leaves the same state. Before syncing, it reads the application and adopts a sync to that
 * revision started since the intent was recorded (or finds it already there), so a restart never starts a second.
 * <p>
 * With automated sync on, Argo CD syncs back to the branch head by itself; roll those applications back in Git (the
 * github or webhook executor) instead.
 */
public final class ArgoCdExecutor implements RollbackExecutor {

    /** Clocks of the worker and Argo CD may differ this much. */
    private static final Duration SKEW = Duration.ofMinutes(1);

    private final URI base;
    private final String token;
    private final HttpSender http;

    public ArgoCdExecutor(URI baseUrl, String token, HttpSender http) {
        this.base = URI.create(baseUrl.toString().replaceAll("/+$", ""));
        this.token = token;
        this.http = http;
    }

    @Override
    public String name() {
        return "argocd";
    }

    @Override
    public boolean repeatable() {
        return true;
    }

    @Override
    public Action.Request describe(RollbackJob job) {
        return new Action.Request("POST", Redact.url(syncUrl(job)), body(job));
    }

    @Override
    public Lookup lookup(RollbackJob job) throws DeliveryException {
        RollbackTarget.ArgoCd settings = (RollbackTarget.ArgoCd) job.settings();
        URI url = URI.create(applicationUrl(settings) + (settings.appNamespace() == null ? ""
                : "?appNamespace=" + URLEncoder.encode(settings.appNamespace(), StandardCharsets.UTF_8)));
        HttpSender.Answer answer = http.exchange(HttpSender.Call.get(url, headers()));
        if (!answer.ok()) {
            throw HttpSender.failure(answer);
        }
        String good = job.target().sha();
        try {
            JsonNode status = Json.mapper().readTree(answer.body()).path("status");
            JsonNode operation = status.path("operationState");
            String revision = operation.path("operation").path("sync").path("revision").asText("");
            String started = operation.path("startedAt").asText("");
            if (revision.equals(good) && !started.isEmpty()
                    && !Instant.parse(started).isBefore(job.intendedAt().minus(SKEW))) {
                return Lookup.found("Argo CD sync of " + settings.application() + " to " + good + " already started ("
                        + operation.path("phase").asText("phase unknown") + ")");
            }
            if (status.path("sync").path("revision").asText("").equals(good)
                    && status.path("sync").path("status").asText("").equals("Synced")) {
                return Lookup.found("Argo CD application " + settings.application() + " is already at " + good);
            }
            return Lookup.notFound();
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "Argo CD's application is not readable: " + e);
        }
    }

    @Override
    public String execute(RollbackJob job) throws DeliveryException {
        Lookup earlier = lookup(job);
        if (earlier.state() == Lookup.State.FOUND) {
            return earlier.detail();
        }
        HttpSender.Answer answer = http.exchange(HttpSender.Call.postJson(syncUrl(job), headers(), body(job)));
        if (!answer.ok()) {
            DeliveryException failure = HttpSender.failure(answer);
            if (answer.body() != null && answer.body().contains("another operation is already in progress")) {
                throw new DeliveryException(DeliveryException.Kind.RETRIABLE, failure.getMessage());
            }
            throw failure;
        }
        RollbackTarget.ArgoCd settings = (RollbackTarget.ArgoCd) job.settings();
        return "Argo CD sync of " + settings.application() + " to " + job.target().sha() + " started";
    }

    private URI applicationUrl(RollbackTarget.ArgoCd settings) {
        return URI.create(base + "/api/v1/applications/" + URLEncoder.encode(settings.application(),
                StandardCharsets.UTF_8));
    }

    private URI syncUrl(RollbackJob job) {
        return URI.create(applicationUrl((RollbackTarget.ArgoCd) job.settings()) + "/sync");
    }

    static String body(RollbackJob job) {
        RollbackTarget.ArgoCd settings = (RollbackTarget.ArgoCd) job.settings();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", settings.application());
        if (settings.appNamespace() != null) {
            body.put("appNamespace", settings.appNamespace());
        }
        body.put("revision", job.target().sha());
        body.put("prune", false);
        body.put("dryRun", false);
        return Json.toString(body);
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + token);
    }
}
