package dev.oversight.ingest.gitlab;

import dev.oversight.events.Source;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.Intake;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.ingest.http.Tokens;
import dev.oversight.ingest.http.WebhookSource;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/gitlab}: deliveries carrying the webhook's secret token in {@code X-Gitlab-Token}, named by
 * {@code X-Gitlab-Event}, identified by {@code X-Gitlab-Event-UUID} (or {@code Idempotency-Key}).
 */
public final class GitLabSource implements WebhookSource {

    public static final String TOKEN_HEADER = "X-Gitlab-Token";

    private final List<String> tokens;

    public GitLabSource(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    @Override
    public Source source() {
        return Source.GITLAB;
    }

    @Override
    public String path() {
        return "/webhooks/gitlab";
    }

    @Override
    public Set<String> mediaTypes() {
        return Set.of("application/json");
    }

    @Override
    public String eventTag(HttpServerRequest request) {
        String event = request.getHeader("X-Gitlab-Event");
        return event == null ? null : GitLabNormalizer.tag(event);
    }

    @Override
    public void authenticate(HttpServerRequest request, byte[] body) {
        if (tokens.isEmpty()) {
            throw Rejection.unauthorized("token", "GitLab deliveries cannot be verified: no webhook token is "
                    + "configured on this Oversight (" + IngestConfig.GITLAB_TOKEN.name() + ")");
        }
        String token = request.getHeader(TOKEN_HEADER);
        if (token == null) {
            throw Rejection.unauthorized("token", "missing header " + TOKEN_HEADER
                    + ": GitLab deliveries without the webhook's secret token are refused");
        }
        if (!Tokens.matches(token, tokens)) {
            throw Rejection.unauthorized("token", TOKEN_HEADER + " does not match any configured token");
        }
    }

    @Override
    public Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
        String event = request.getHeader("X-Gitlab-Event");
        if (event == null || event.isBlank()) {
            throw Rejection.missingHeader("X-Gitlab-Event");
        }
        String delivery = request.getHeader("X-Gitlab-Event-UUID");
        if (delivery == null || delivery.isBlank()) {
            delivery = request.getHeader("Idempotency-Key");
        }
        if (delivery == null || delivery.isBlank()) {
            throw Rejection.missingHeader("X-Gitlab-Event-UUID (or Idempotency-Key)");
        }
        return Intake.of(GitLabNormalizer.tag(event), Delivery.of(Source.GITLAB, event, delivery, body,
                GitLabNormalizer.normalize(event, delivery, PayloadReader.parse(body), receivedAt)));
    }
}
