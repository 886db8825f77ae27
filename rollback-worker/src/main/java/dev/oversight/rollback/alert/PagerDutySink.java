package dev.oversight.rollback.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Prepared;
import dev.oversight.rollback.delivery.RateLimiter;
import dev.oversight.rollback.delivery.Redact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty Events API v2 ({@code POST /v2/enqueue}). The dedup key is the deploy id, so every event about one
 * deploy lands on one incident and a repeated trigger is folded into it; a notice (a rollback that did not happen)
 * has its own key, {@code <deployId>/<subject>}, because it asks on-call for something new. Calls go through a rate
 * limiter, below PagerDuty's 120 events per minute per routing key; a 429 is retried with backoff. Emergency deploys
 * under policy (warnings) are not paged. What resolves the alert is in {@code custom_details.resolution}; the runbook,
 * when configured, is the first of {@code links}.
 */
public final class PagerDutySink implements AlertSink {

    private static final int SUMMARY_LIMIT = 1024;

    private final URI enqueueUrl;
    private final String routingKey;
    private final HttpSender http;
    private final RateLimiter limiter;
    private final AlertLinks links;

    public PagerDutySink(URI baseUrl, String routingKey, HttpSender http, RateLimiter limiter, AlertLinks links) {
        this.enqueueUrl = URI.create(baseUrl.toString().replaceAll("/+$", "") + "/v2/enqueue");
        this.routingKey = routingKey;
        this.http = http;
        this.limiter = limiter;
        this.links = links;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    public boolean absorbsRepeats() {
        return true;
    }

    @Override
    public boolean takes(Alert alert) {
        return !alert.isWarning();
    }

    @Override
    public Prepared prepare(Alert alert) {
        if (alert.kind() == Alert.Kind.RESOLVE) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (String dedupKey : dedupKeys(alert.open())) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("routing_key", routingKey);
                event.put("event_action", "resolve");
                event.put("dedup_key", dedupKey);
                events.add(event);
            }
            List<HttpSender.Call> calls = events.stream()
                    .map(e -> HttpSender.Call.postJson(enqueueUrl, Map.of(), Json.toString(e))).toList();
            return new Prepared(calls, calls.isEmpty() ? null
                    : new Action.Request("POST", Redact.url(enqueueUrl), Json.toString(redacted(events))));
        }
        Map<String, Object> event = trigger(alert);
        return Prepared.of(HttpSender.Call.postJson(enqueueUrl, Map.of(), Json.toString(event)),
                new Action.Request("POST", Redact.url(enqueueUrl), Json.toString(redacted(List.of(event)).get(0))));
    }

    @Override
    public String deliver(Prepared prepared) throws DeliveryException {
        String answer = "";
        for (HttpSender.Call call : prepared.calls()) {
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException(DeliveryException.Kind.RETRIABLE, "interrupted before calling PagerDuty");
            }
            answer = http.send(call);
        }
        return answer;
    }

    private Map<String, Object> trigger(Alert alert) {
        Verdict v = alert.verdict();
        boolean notice = alert.kind() == Alert.Kind.NOTICE;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("description", AlertText.description(alert));
        details.put("reasons", v.reasons().stream().map(r -> r.code() + ": " + r.detail()).toList());
        details.put("changes", v.changes().stream().map(c -> AlertText.changeLine(c, c.url())).toList());
        details.put("resolution", AlertText.resolution(alert).lines());
        links.runbook(alert).ifPresent(link -> details.put("runbook", link));
        links.evidence(alert).ifPresent(link -> details.put("evidence", link));
        details.put("deployer", v.deployer());
        details.put("repository", v.repository());
        details.put("sha", v.sha());
        details.put("deploy", v.deployId());
        details.put("verdict", v.verdictId());
        details.put("policy", v.policy().name());
        Map<String, Object> payload = new LinkedHashMap<>();
        String summary = AlertText.summary(alert);
        payload.put("summary", summary.length() > SUMMARY_LIMIT ? summary.substring(0, SUMMARY_LIMIT - 1) + "…" : summary);
        payload.put("source", v.service() + "/" + v.environment());
        payload.put("severity", AlertText.severity(alert));
        if (v.deployedAt() != null) {
            payload.put("timestamp", v.deployedAt().toString());
        }
        payload.put("component", v.service());
        payload.put("group", v.environment());
        payload.put("class", AlertText.alertName(alert));
        payload.put("custom_details", details);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        event.put("dedup_key", notice ? v.deployId() + "/" + alert.notice().subject() : v.deployId());
        event.put("payload", payload);
        event.put("client", "Oversight");
        if (v.url() != null) {
            event.put("client_url", v.url());
        }
        List<Map<String, String>> links = new ArrayList<>();
        this.links.runbook(alert).ifPresent(link -> links.add(Map.of("href", link, "text", "Runbook")));
        this.links.evidence(alert).ifPresent(link -> links.add(Map.of("href", link, "text", "Evidence in Oversight")));
        if (v.url() != null) {
            links.add(Map.of("href", v.url(), "text", "Deploy " + v.deployId()));
        }
        for (Verdict.ChangeSummary change : v.changes()) {
            if (change.url() != null) {
                links.add(Map.of("href", change.url(), "text", "Change " + change.id()));
            }
        }
        event.put("links", links);
        return event;
    }

    /** The dedup keys of the triggers sent, read from their records. */
    private static List<String> dedupKeys(List<Action.Request> open) {
        List<String> keys = new ArrayList<>();
        for (Action.Request request : open) {
            try {
                JsonNode sent = Json.mapper().readTree(request.body());
                String key = sent.path("dedup_key").asText(null);
                if (key != null && !keys.contains(key)) {
                    keys.add(key);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("a recorded PagerDuty request is not JSON", e);
            }
        }
        return keys;
    }

    /** The events without the routing key, which is a credential. */
    private static List<Map<String, Object>> redacted(List<Map<String, Object>> events) {
        return events.stream().map(e -> {
            Map<String, Object> copy = new LinkedHashMap<>(e);
            copy.put("routing_key", "…");
            return copy;
        }).toList();
    }
}
