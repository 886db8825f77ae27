package dev.oversight.rollback.alert;

import dev.oversight.events.Action;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.HttpSender;
import dev.oversight.rollback.delivery.Prepared;
import dev.oversight.rollback.delivery.Redact;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook: the verdict and the action as JSON. With a secret, the body is signed the way GitHub signs
 * its webhooks ({@code X-Oversight-Signature-256: sha256=<hex HMAC-SHA256 of the body>}), so the receiver can verify
 * it. {@code Idempotency-Key} (the action id) lets the receiver drop a repeat. An alert or a notice says what resolves
 * it ({@code resolution}, one line per reason code and the rollback line) and, when configured, {@code runbookUrl} and {@code evidenceUrl} (the deploy's evidence page).
 */
public final class WebhookSink implements AlertSink {

    public static final String SIGNATURE_HEADER = "X-Oversight-Signature-256";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final URI url;
    private final String secret;
    private final HttpSender http;
    private final AlertLinks links;

    public WebhookSink(URI url, String secret, HttpSender http, AlertLinks links) {
        this.url = url;
        this.secret = secret;
        this.http = http;
        this.links = links;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public boolean absorbsRepeats() {
        return true;
    }

    @Override
    public Prepared prepare(Alert alert) {
        if (alert.kind() == Alert.Kind.RESOLVE && alert.open().isEmpty()) {
            return new Prepared(List.of(), null);
        }
        String type = switch (alert.kind()) {
            case TRIGGER -> "alert";
            case RESOLVE -> "resolve";
            case NOTICE -> "notice";
        };
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("actionId", alert.actionId());
        action.put("type", type);
        action.put("severity", AlertText.severity(alert));
        if (alert.notice() != null) {
            action.put("subject", alert.notice().subject());
            action.put("reason", alert.notice().reason());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", 1);
        body.put("type", type);
        body.put("summary", AlertText.summary(alert));
        body.put("alertname", AlertText.alertName(alert));
        body.put("note", alert.note());
        Resolution resolution = AlertText.resolution(alert);
        if (resolution != null) {
            body.put("resolution", resolution.lines());
        }
        links.runbook(alert).ifPresent(link -> body.put("runbookUrl", link));
        links.evidence(alert).ifPresent(link -> body.put("evidenceUrl", link));
        body.put("action", action);
        body.put("verdict", alert.verdict());
        String json = Json.toString(body);
        return Prepared.of(HttpSender.Call.postJson(url, headers(type, alert.verdict().verdictId(), alert.actionId(),
                secret, json), json), new Action.Request("POST", Redact.url(url), json));
    }

    @Override
    public String deliver(Prepared prepared) throws DeliveryException {
        return http.sendAll(prepared.calls());
    }

    /**
     * The headers of every Oversight webhook (alerts and rollbacks): the event, the verdict it is about, the
     * idempotency key, and the signature when there is a secret.
     */
    public static Map<String, String> headers(String event, String verdictId, String idempotencyKey, String secret,
                                              String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Oversight-Event", event.toLowerCase(Locale.ROOT));
        headers.put("X-Oversight-Delivery", verdictId);
        headers.put(IDEMPOTENCY_HEADER, idempotencyKey);
        if (secret != null) {
            headers.put(SIGNATURE_HEADER, sign(secret, body.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
