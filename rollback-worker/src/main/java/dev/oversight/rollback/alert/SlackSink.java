package dev.oversight.rollback.alert;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Prepared;
import dev.oversight.rollback.delivery.Redact;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: one message per violation (what, who, which changes, links, what happens about the
 * rollback), a follow-up when it is resolved, and a message for a notice. Slack cannot tell a repeated message from
 * a new one, so the worker records its intent before posting and never posts the same message twice. The webhook
 * URL is a credential: it is recorded as its host only.
 */
public final class SlackSink implements AlertSink {

    private static final int HEADER_LIMIT = 150;
    private static final int SECTION_LIMIT = 3000;

    private final URI webhookUrl;
    private final HttpSender http;
    private final AlertLinks links;

    public SlackSink(URI webhookUrl, HttpSender http, AlertLinks links) {
        this.webhookUrl = webhookUrl;
        this.http = http;
        this.links = links;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public boolean absorbsRepeats() {
        return false;
    }

    @Override
    public Prepared prepare(Alert alert) {
        if (alert.kind() == Alert.Kind.RESOLVE && alert.open().isEmpty()) {
            return new Prepared(List.of(), null);
        }
        String body = Json.toString(message(alert, links.runbook(alert).orElse(null),
                links.evidence(alert).orElse(null)));
        return Prepared.of(HttpSender.Call.postJson(webhookUrl, Map.of(), body),
                new Action.Request("POST", Redact.secretUrl(webhookUrl), body));
    }

    @Override
    public String deliver(Prepared prepared) throws DeliveryException {
        return http.sendAll(prepared.calls());
    }

    /**
     * The message: {@code text} for notifications and clients without blocks, {@code blocks} for the rest: a header,
     * the facts, the reasons, the changes, what resolves it with the runbook link, the note, a button to the deploy's
     * evidence page (when OVERSIGHT_PUBLIC_URL is set) and a context line.
     */
    static Map<String, Object> message(Alert alert, String runbookLink, String evidenceLink) {
        Verdict v = alert.verdict();
        String icon = switch (alert.kind()) {
            case TRIGGER -> alert.isWarning() ? ":warning:" : ":rotating_light:";
            case RESOLVE -> ":white_check_mark:";
            case NOTICE -> ":x:";
        };
        String summary = AlertText.summary(alert);
        // A resolution's summary already ends with how it was resolved.
        String note = alert.kind() == Alert.Kind.RESOLVE ? null : alert.note();
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text", "emoji", true,
                "text", cut(icon + " " + summary, HEADER_LIMIT))));
        if (alert.kind() != Alert.Kind.RESOLVE) {
            List<Map<String, Object>> fields = new ArrayList<>();
            fields.add(field("Service", escape(v.service())));
            fields.add(field("Environment", escape(v.environment())));
            fields.add(field("Deployed by", v.deployer() == null ? "unknown" : escape(v.deployer())));
            String commit = "`" + AlertText.shortSha(v.sha()) + "`";
            fields.add(field("Commit", v.url() == null ? commit : link(v.url(), AlertText.shortSha(v.sha()))));
            if (v.team() != null) {
                fields.add(field("Team", escape(v.team())));
            }
            blocks.add(Map.of("type", "section", "fields", fields));
            if (!v.reasons().isEmpty()) {
                StringBuilder reasons = new StringBuilder("*Reasons*");
                v.reasons().forEach(r -> reasons.append("\n• `").append(r.code()).append("` ").append(escape(r.detail())));
                blocks.add(section(reasons.toString()));
            }
            if (!v.changes().isEmpty()) {
                StringBuilder changes = new StringBuilder("*Changes*");
                for (Verdict.ChangeSummary change : v.changes()) {
                    String name = change.id() + (change.title() == null ? "" : " " + change.title());
                    changes.append("\n• ").append(change.url() == null ? escape(name) : link(change.url(), name))
                            .append(" by ").append(escape(change.author()))
                            .append(change.approvers().isEmpty() ? ", no valid approval"
                                    : ", approved by " + escape(String.join(", ", change.approvers())));
                }
                blocks.add(section(changes.toString()));
            }
            StringBuilder resolves = new StringBuilder("*What resolves it*");
            Resolution resolution = AlertText.resolution(alert);
            resolution.steps().forEach(s -> resolves.append("\n• `").append(s.code()).append("` ")
                    .append(escape(s.remedy())).append('.'));
            resolves.append("\n").append(escape(resolution.rollbackLine()));
            if (runbookLink != null) {
                resolves.append("\n:book: ").append(link(runbookLink, "Runbook"));
            }
            blocks.add(section(resolves.toString()));
        }
        if (note != null) {
            blocks.add(section(escape(note)));
        }
        if (evidenceLink != null) {
            blocks.add(Map.of("type", "actions", "elements", List.of(Map.of("type", "button",
                    "text", Map.of("type", "plain_text", "text", "Open the evidence"),
                    "url", evidenceLink, "action_id", "oversight-evidence"))));
        }
        blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn",
                "text", escape("Verdict " + v.verdictId() + " · policy " + v.policy().name())))));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", summary + (note == null ? "" : "\n" + note));
        message.put("blocks", blocks);
        return message;
    }

    private static Map<String, Object> field(String name, String value) {
        return Map.of("type", "mrkdwn", "text", "*" + name + "*\n" + value);
    }

    private static Map<String, Object> section(String mrkdwn) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", cut(mrkdwn, SECTION_LIMIT)));
    }

    private static String link(String url, String text) {
        return "<" + url.replace("|", "%7C").replace(">", "%3E") + "|" + escape(text) + ">";
    }

    /** Slack's three control characters in text. */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
