package dev.oversight.ingest.cloudevents;

import dev.oversight.events.Source;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.Intake;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.ingest.http.Tokens;
import dev.oversight.ingest.http.WebhookSource;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /events}: CloudEvents in binary, structured or batch mode, authenticated by the events token
 * ({@code Authorization: Bearer}). CDEvents are read ({@link CdEventsNormalizer}); other CloudEvents are ignored. A
 * batch is all or nothing: one unreadable event refuses the whole batch, naming it.
 */
public final class CloudEventsSource implements WebhookSource {

    private final List<String> tokens;

    public CloudEventsSource(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    @Override
    public Source source() {
        return Source.CDEVENTS;
    }

    @Override
    public String path() {
        return "/events";
    }

    @Override
    public Set<String> mediaTypes() {
        return Set.of(CloudEventReader.BINARY, CloudEventReader.STRUCTURED, CloudEventReader.BATCH);
    }

    @Override
    public String eventTag(HttpServerRequest request) {
        String type = request.getHeader("ce-type");
        return type == null ? null : CdEventsNormalizer.tag(type);
    }

    @Override
    public void authenticate(HttpServerRequest request, byte[] body) {
        Tokens.requireBearer(request, tokens, null, IngestConfig.EVENTS_TOKEN.name());
    }

    @Override
    public Intake read(HttpServerRequest request, String mediaType, byte[] body, Instant receivedAt) {
        List<CloudEvent> events = CloudEventReader.read(mediaType, request.headers(), body);
        boolean batch = mediaType.equals(CloudEventReader.BATCH);
        List<Delivery> deliveries = new ArrayList<>();
        for (CloudEvent event : events) {
            Normalized normalized;
            try {
                normalized = CdEventsNormalizer.normalize(event, receivedAt);
            } catch (Rejection e) {
                throw batch ? new Rejection(e.status(), e.cause(),
                        CloudEventReader.inBatch(deliveries.size(), e.getMessage())) : e;
            } catch (MalformedPayloadException e) {
                throw batch ? new MalformedPayloadException(CloudEventReader.inBatch(deliveries.size(),
                        e.getMessage())) : e;
            }
            // CloudEvents ids are unique per source: the key names both.
            deliveries.add(new Delivery(event.type(), event.id(),
                    Source.CDEVENTS.id() + ":" + event.source() + "#" + event.id(), event.raw(), normalized));
        }
        String tag = batch ? "batch" : CdEventsNormalizer.tag(events.get(0).type());
        return new Intake(tag, deliveries, batch);
    }
}
