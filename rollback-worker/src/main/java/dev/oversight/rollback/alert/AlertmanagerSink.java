package dev.oversight.rollback.alert;

import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's API v2 ({@code POST /api/v2/alerts}). Labels identify the alert (one per deploy); a resolve sends
 * the same labels with {@code endsAt} now.
 */
public final class AlertmanagerSink implements AlertSink {

    private final URI alertsUrl;
    private final HttpSender http;
    private final java.time.Clock clock;

    public AlertmanagerSink(URI baseUrl, HttpSender http, java.time.Clock clock) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.alertsUrl = URI.create(base + "/api/v2/alerts");
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "alertmanager";
    }

    @Override
    public String send(Alert alert) throws SinkException {
        Verdict v = alert.verdict();
        Map<String, String> labels = labels(v);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", AlertText.summary(v));
        annotations.put("description", AlertText.description(v));
        annotations.put("deployId", v.deployId());
        annotations.put("verdictId", v.verdictId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("labels", labels);
        body.put("annotations", annotations);
        body.put("startsAt", (v.deployedAt() != null ? v.deployedAt() : v.decidedAt()).toString());
        if (!alert.trigger()) {
            body.put("endsAt", Instant.now(clock).toString());
        }
        if (v.url() != null) {
            body.put("generatorURL", v.url());
        }
        return http.postJson(alertsUrl, Json.toString(List.of(body)), Map.of());
    }

    /** The labels that make up the alert's identity; the same for trigger and resolve of one deploy. */
    static Map<String, String> labels(Verdict v) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", AlertText.alertName(v));
        labels.put("service", v.service());
        labels.put("environment", v.environment());
        labels.put("repository", v.repository());
        labels.put("team", v.team() == null ? "none" : v.team());
        labels.put("severity", v.status() == VerdictStatus.EXCEPTION ? "warning" : "critical");
        labels.put("reason", AlertText.mainReason(v));
        labels.put("deploy", v.deployId());
        return labels;
    }
}
