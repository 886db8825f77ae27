package dev.oversight.rollback.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Prepared;
import dev.oversight.rollback.delivery.Redact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's API v2 ({@code POST /api/v2/alerts}). Labels identify the alert, one per deploy (plus one per
 * notice); an open alert carries {@code endsAt} = now + its time to live and is re-sent before that runs out
 * ({@link #refresh}), so it stays active while the violation is open and expires on its own if the worker is gone
 * for good. A resolve re-sends the recorded alerts, identical labels and annotations, with {@code endsAt} now.
 * Annotations: {@code summary}, {@code description}, {@code resolution} (what resolves it), {@code runbook_url}
 * (when a runbook is configured), {@code evidence_url} (the deploy's evidence page, when OVERSIGHT_PUBLIC_URL is
 * set) and {@code verdictId}.
 */
public final class AlertmanagerSink implements AlertSink {

    private final URI alertsUrl;
    private final HttpSender http;
    private final Clock clock;
    private final Duration timeToLive;
    private final AlertLinks links;

    public AlertmanagerSink(URI baseUrl, HttpSender http, Clock clock, Duration timeToLive, AlertLinks links) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.alertsUrl = URI.create(base + "/api/v2/alerts");
        this.http = http;
        this.clock = clock;
        this.timeToLive = timeToLive;
        this.links = links;
    }

    @Override
    public String name() {
        return "alertmanager";
    }

    @Override
    public boolean absorbsRepeats() {
        return true;
    }

    @Override
    public Prepared prepare(Alert alert) {
        Instant now = clock.instant();
        if (alert.kind() == Alert.Kind.RESOLVE) {
            return restamp(alert.open(), now);
        }
        Verdict v = alert.verdict();
        Map<String, String> labels = labels(alert);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", AlertText.summary(alert));
        annotations.put("description", AlertText.description(alert));
        annotations.put("resolution", String.join("\n", AlertText.resolution(alert).lines()));
        links.runbook(alert).ifPresent(link -> annotations.put("runbook_url", link));
        links.evidence(alert).ifPresent(link -> annotations.put("evidence_url", link));
        annotations.put("verdictId", v.verdictId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("labels", labels);
        body.put("annotations", annotations);
        Instant startsAt = alert.kind() == Alert.Kind.TRIGGER && v.deployedAt() != null ? v.deployedAt() : now;
        body.put("startsAt", startsAt.toString());
        body.put("endsAt", now.plus(timeToLive).toString());
        if (v.url() != null) {
            body.put("generatorURL", v.url());
        }
        return post(Json.toString(List.of(body)));
    }

    /** The open alerts again, with a new time to live: what keeps them active. */
    public Prepared refresh(List<Action.Request> open) {
        return restamp(open, clock.instant().plus(timeToLive));
    }

    @Override
    public String deliver(Prepared prepared) throws DeliveryException {
        return http.sendAll(prepared.calls());
    }

    /** The labels that make up an alert's identity. */
    static Map<String, String> labels(Alert alert) {
        Verdict v = alert.verdict();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", AlertText.alertName(alert));
        labels.put("service", v.service());
        labels.put("environment", v.environment());
        labels.put("repository", v.repository());
        labels.put("team", v.team() == null ? "none" : v.team());
        labels.put("severity", AlertText.severity(alert));
        labels.put("reason", AlertText.reasonLabel(alert));
        labels.put("deploy", v.deployId());
        if (alert.kind() == Alert.Kind.NOTICE) {
            labels.put("subject", alert.notice().subject());
        }
        return labels;
    }

    private Prepared restamp(List<Action.Request> open, Instant endsAt) {
        ArrayNode alerts = Json.mapper().createArrayNode();
        for (Action.Request request : open) {
            try {
                for (JsonNode sent : Json.mapper().readTree(request.body())) {
                    ObjectNode copy = sent.deepCopy();
                    copy.put("endsAt", endsAt.toString());
                    alerts.add(copy);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("a recorded Alertmanager request is not JSON", e);
            }
        }
        return alerts.isEmpty() ? new Prepared(List.of(), null) : post(Json.toString(alerts));
    }

    private Prepared post(String body) {
        return Prepared.of(HttpSender.Call.postJson(alertsUrl, Map.of(), body),
                new Action.Request("POST", Redact.url(alertsUrl), body));
    }
}
