package dev.oversight.ingest.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Source;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.Intake;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.ingest.http.WebhookSource;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
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

    private final List<String> secrets;

    public GitHubSource(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
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
        if (!GitHubSignature.verify(body, signature, secrets)) {
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
        JsonNode json = PayloadReader.parse(mediaType.equals(FORM) ? formPayload(body) : body);
        return Intake.of(eventTag(request), Delivery.of(Source.GITHUB, event, delivery, body,
                GitHubNormalizer.normalize(event, delivery, json, receivedAt)));
    }

    /** The JSON in the {@code payload} field of a form-encoded delivery. */
    private static byte[] formPayload(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        for (String pair : form.split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new MalformedPayloadException("form body is not URL-encoded: " + e.getMessage());
                }
            }
        }
        throw new MalformedPayloadException("form body has no payload field");
    }
}
