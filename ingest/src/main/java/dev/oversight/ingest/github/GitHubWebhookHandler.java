package dev.oversight.ingest.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.http.DeliveryAcceptor;
import dev.oversight.ingest.http.RawBody;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /webhooks/github}: checks the headers and the signature, reads the body (JSON, or the form
 * encoding GitHub offers as an alternative), normalizes it and hands it to the {@link DeliveryAcceptor}.
 */
public final class GitHubWebhookHandler implements Handler<RoutingContext> {

    private final List<String> secrets;
    private final DeliveryAcceptor acceptor;
    private final Clock clock;

    public GitHubWebhookHandler(List<String> secrets, DeliveryAcceptor acceptor, Clock clock) {
        this.secrets = List.copyOf(secrets);
        this.acceptor = acceptor;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        Instant receivedAt = clock.instant();
        String event = ctx.request().getHeader("X-GitHub-Event");
        String delivery = ctx.request().getHeader("X-GitHub-Delivery");
        String eventTag = event == null ? null : (GitHubNormalizer.EVENTS.contains(event) || "ping".equals(event) ? event : "other");
        String contentType = mediaType(ctx.request().getHeader("Content-Type"));
        if (!contentType.equals("application/json") && !contentType.equals("application/x-www-form-urlencoded")) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 415, "content_type",
                    "Content-Type must be application/json (or application/x-www-form-urlencoded), got '"
                            + contentType + "'");
            return;
        }
        if (event == null || event.isBlank()) {
            acceptor.reject(ctx, started, Source.GITHUB, null, 400, "missing_header", "missing header X-GitHub-Event");
            return;
        }
        if (delivery == null || delivery.isBlank()) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 400, "missing_header",
                    "missing header X-GitHub-Delivery");
            return;
        }
        byte[] body = RawBody.of(ctx);
        if (secrets.isEmpty()) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 401, "signature",
                    "GitHub deliveries cannot be verified: no webhook secret is configured on this Oversight "
                            + "(OVERSIGHT_GITHUB_WEBHOOK_SECRET)");
            return;
        }
        String signature = ctx.request().getHeader(GitHubSignature.HEADER);
        if (signature == null) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 401, "signature",
                    "missing header " + GitHubSignature.HEADER + ": unsigned GitHub deliveries are refused");
            return;
        }
        if (!GitHubSignature.verify(body, signature, secrets)) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 401, "signature",
                    GitHubSignature.HEADER + " does not match the body under any configured secret");
            return;
        }
        Normalized normalized;
        try {
            JsonNode json = parse(body, contentType);
            normalized = GitHubNormalizer.normalize(event, delivery, json, receivedAt);
        } catch (MalformedPayloadException e) {
            acceptor.reject(ctx, started, Source.GITHUB, eventTag, 400, "malformed", "malformed " + event
                    + " payload: " + e.getMessage());
            return;
        }
        acceptor.accept(ctx, started, Source.GITHUB, eventTag, delivery, body, normalized, receivedAt);
    }

    private static JsonNode parse(byte[] body, String contentType) {
        String json;
        if (contentType.equals("application/x-www-form-urlencoded")) {
            String form = new String(body, StandardCharsets.UTF_8);
            json = null;
            for (String pair : form.split("&")) {
                if (pair.startsWith("payload=")) {
                    json = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
                }
            }
            if (json == null) {
                throw new MalformedPayloadException("form body has no payload field");
            }
        } else {
            json = new String(body, StandardCharsets.UTF_8);
        }
        if (json.isBlank()) {
            throw new MalformedPayloadException("empty body");
        }
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException("body is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
