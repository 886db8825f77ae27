package dev.oversight.ingest.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Source;
import dev.oversight.ingest.JsonText;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.PayloadFields;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.Intake;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.ingest.http.WebhookSource;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/github}: deliveries signed with {@code X-Hub-Signature-256}, named by {@code X-GitHub-Event}
 * and {@code X-GitHub-Delivery}, in JSON or in the form encoding GitHub offers as an alternative.
 */
public final class GitHubSource implements WebhookSource {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final List<byte[]> secrets;

    public GitHubSource(List<String> secrets) {
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public Source source() {
        return Source.GITHUB;
    }

    @Override
    public String path() {
        return "/webhooks/github";
    }

    @Override
    public Set<String> mediaTypes() {
        return Set.of("application/json", FORM);
    }

    @Override
    public String eventTag(HttpServerRequest request) {
        String event = request.getHeader("X-GitHub-Event");
        if (event == null) {
            return null;
        }
        return GitHubNormalizer.EVENTS.contains(event) || "ping".equals(event) ? event : "other";
    }

    @Override
    public void authenticate(HttpServerRequest request, byte[] body) {
        if (secrets.isEmpty()) {
            throw Rejection.unauthorized("signature", "GitHub deliveries cannot be verified: no webhook secret is "
                    + "configured on this Oversight (OVERSIGHT_GITHUB_WEBHOOK_SECRET)");
        }
        String signature = request.getHeader(GitHubSignature.HEADER);
        if (signature == null) {
            throw Rejection.unauthorized("signature", "missing header " + GitHubSignature.HEADER
                    + ": unsigned GitHub deliveries are refused");
        }
        if (!GitHubSignature.verify(GitHubSignature.Algorithm.SHA256, body, signature, secrets)) {
            throw Rejection.unauthorized("signature", GitHubSignature.HEADER
                    + " does not match the body under any configured secret");
        }
    }

    @Override
    public Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
        String event = request.getHeader("X-GitHub-Event");
        if (event == null || event.isBlank()) {
            throw Rejection.missingHeader("X-GitHub-Event");
        }
        String delivery = request.getHeader("X-GitHub-Delivery");
        if (delivery == null || delivery.isBlank()) {
            throw Rejection.missingHeader("X-GitHub-Delivery");
        }
        PayloadFields fields = GitHubNormalizer.fields(event);
        JsonNode json = mediaType.equals(FORM) ? PayloadReader.parse(formPayload(body), "the form's payload", fields)
                : PayloadReader.parse(body, "body", fields);
        return Intake.of(eventTag(request), Delivery.of(Source.GITHUB, event, delivery, body,
                GitHubNormalizer.normalize(event, delivery, json, receivedAt)));
    }

    /**
     * The JSON in the {@code payload} field of a form-encoded delivery, as bytes: percent-escapes are decoded to the
     * bytes they stand for (the caller then checks them as it checks any body), never replaced by U+FFFD as a
     * lenient decoder would. The form itself must be UTF-8, and carry exactly one payload.
     */
    static byte[] formPayload(byte[] body) {
        JsonText.requireUtf8(body, "form body");
        byte[] payload = null;
        int start = 0;
        while (start <= body.length) {
            int end = start;
            while (end < body.length && body[end] != '&') {
                end++;
            }
            if (startsWith(body, start, end, "payload=")) {
                if (payload != null) {
                    throw new MalformedPayloadException("form body has more than one payload field");
                }
                payload = percentDecoded(body, start + "payload=".length(), end);
            }
            start = end + 1;
        }
        if (payload == null) {
            throw new MalformedPayloadException("form body has no payload field");
        }
        return payload;
    }

    private static boolean startsWith(byte[] body, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (body[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** application/x-www-form-urlencoded: {@code +} is a space, {@code %XX} the byte XX. */
    private static byte[] percentDecoded(byte[] body, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int high = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new MalformedPayloadException("form body is not URL-encoded: a % not followed by two hex "
                            + "digits at byte " + i);
                }
                out.write(high << 4 | low);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
