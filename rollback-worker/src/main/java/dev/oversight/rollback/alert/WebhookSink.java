package dev.oversight.rollback.alert;

import dev.oversight.events.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook: the verdict and what is asked (trigger or resolve) as JSON. With a secret, the body is signed
 * the way GitHub signs its webhooks ({@code X-Oversight-Signature-256: sha256=<hex HMAC-SHA256>}), so the receiver
 * can verify it.
 */
public final class WebhookSink implements AlertSink {

    public static final String SIGNATURE_HEADER = "X-Oversight-Signature-256";

    private final URI url;
    private final String secret;
    private final HttpSender http;

    public WebhookSink(URI url, String secret, HttpSender http) {
        this.url = url;
        this.secret = secret;
        this.http = http;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public String send(Alert alert) throws SinkException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", 1);
        body.put("type", alert.trigger() ? "alert" : "resolve");
        body.put("summary", AlertText.summary(alert.verdict()));
        body.put("alertname", AlertText.alertName(alert.verdict()));
        body.put("verdict", alert.verdict());
        String json = Json.toString(body);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Oversight-Event", alert.trigger() ? "alert" : "resolve");
        headers.put("X-Oversight-Delivery", alert.verdict().verdictId());
        if (secret != null) {
            headers.put(SIGNATURE_HEADER, sign(secret, json.getBytes(StandardCharsets.UTF_8)));
        }
        return http.postJson(url, json, headers);
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
