package dev.oversight.ingest.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Source;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.Intake;
import dev.oversight.ingest.http.Tokens;
import dev.oversight.ingest.http.WebhookSource;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/jenkins}: the Notification plugin's JSON, authenticated by the events token as
 * {@code Authorization: Bearer <token>} or {@code ?token=<token>} (the plugin sends only a URL).
 */
public final class JenkinsSource implements WebhookSource {

    private final List<String> tokens;

    public JenkinsSource(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    @Override
    public Source source() {
        return Source.JENKINS;
    }

    @Override
    public String path() {
        return "/webhooks/jenkins";
    }

    @Override
    public Set<String> mediaTypes() {
        return Set.of("application/json");
    }

    @Override
    public String eventTag(HttpServerRequest request) {
        return JenkinsNormalizer.EVENT;
    }

    @Override
    public void authenticate(HttpServerRequest request, byte[] body) {
        Tokens.requireBearer(request, tokens, "token", IngestConfig.EVENTS_TOKEN.name());
    }

    @Override
    public Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
        JsonNode json = PayloadReader.parse(body);
        String delivery = request.getHeader("Idempotency-Key");
        if (delivery == null || delivery.isBlank()) {
            delivery = JenkinsNormalizer.deliveryId(json);
        }
        return Intake.of(JenkinsNormalizer.EVENT, Delivery.of(Source.JENKINS, JenkinsNormalizer.EVENT, delivery, body,
                JenkinsNormalizer.normalize(delivery, json, receivedAt)));
    }
}
