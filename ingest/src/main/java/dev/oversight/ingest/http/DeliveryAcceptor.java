package dev.oversight.ingest.http;

import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.kafka.DeliveryPublisher;
import dev.oversight.ingest.kafka.IngestMeters;
import dev.oversight.runtime.kafka.KafkaConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every webhook route does once a source's handler has verified and normalized a delivery: write the raw
 * delivery and its evidence to Kafka together, answer 202 only when they are committed and 503 when they could not
 * be, and count every outcome.
 */
public final class DeliveryAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAcceptor.class);

    /** Answer codes and the outcome tag they are counted under. */
    public enum Outcome { ACCEPTED, DUPLICATE, IGNORED, REJECTED, UNAVAILABLE }

    private final DeliveryPublisher publisher;
    private final KafkaConnection kafka;
    private final MeterRegistry registry;

    public DeliveryAcceptor(DeliveryPublisher publisher, KafkaConnection kafka, MeterRegistry registry) {
        this.publisher = publisher;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Writes a normalized delivery and answers. {@code started} is when the request arrived (System.nanoTime). */
    public void accept(RoutingContext ctx, long started, Source source, String eventType, String deliveryId,
                       byte[] body, Normalized normalized, Instant receivedAt) {
        if (normalized instanceof Normalized.Ignored ignored) {
            finish(started, source, eventType, Outcome.IGNORED);
            Replies.json(ctx, 200, new JsonObject().put("status", "ignored").put("deliveryId", deliveryId)
                    .put("reason", ignored.reason()));
            return;
        }
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        List<ProducerRecord<String, byte[]>> records = records(source, eventType, deliveryId, body, accepted,
                receivedAt, ctx.request().headers());
        Future.fromCompletionStage(publisher.publish(records), ctx.vertx().getOrCreateContext())
                .onSuccess(v -> {
                    finish(started, source, eventType, Outcome.ACCEPTED);
                    accepted.evidence().forEach(e -> Counter.builder(IngestMeters.EVIDENCE)
                            .description("Evidence records written to Kafka")
                            .baseUnit("records")
                            .tag("source", source.id())
                            .tag("kind", e.kind())
                            .register(registry).increment());
                    Replies.json(ctx, 202, new JsonObject().put("status", "accepted").put("deliveryId", deliveryId)
                            .put("repository", accepted.repository()).put("records", records.size()));
                })
                .onFailure(e -> {
                    finish(started, source, eventType, Outcome.UNAVAILABLE);
                    LOG.warn("Delivery {} from {} not written: {}", deliveryId, source.id(), e.getMessage());
                    ctx.response().putHeader("Retry-After", "5");
                    Replies.error(ctx, 503, "Kafka cannot take the event right now; nothing was written, retry later");
                });
    }

    /** Answers a request refused before anything was written, and counts why. */
    public void reject(RoutingContext ctx, long started, Source source, String eventType, int status, String cause,
                       String message) {
        Counter.builder(IngestMeters.REJECTIONS)
                .description("Webhook requests refused, by cause")
                .baseUnit("requests")
                .tag("source", source.id())
                .tag("cause", cause)
                .register(registry).increment();
        finish(started, source, eventType, Outcome.REJECTED);
        Replies.error(ctx, status, message);
    }

    private void finish(long started, Source source, String eventType, Outcome outcome) {
        Timer.builder(IngestMeters.REQUESTS)
                .description("Webhook requests, by source, event type and outcome")
                .tag("source", source.id())
                .tag("event", eventType == null ? "unknown" : eventType)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private List<ProducerRecord<String, byte[]>> records(Source source, String eventType, String deliveryId,
                                                        byte[] body, Normalized.Accepted accepted, Instant receivedAt,
                                                        MultiMap headers) {
        String ceSource = "/oversight/ingest/" + source.id();
        String key = accepted.repository();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        RawDelivery raw = new RawDelivery(RawDelivery.SCHEMA, source, eventType, deliveryId, key, receivedAt,
                evidenceHeaders(headers), new String(body, StandardCharsets.UTF_8));
        records.add(record(kafka.topic(Topics.RAW), key, raw, CloudEventHeaders.write(new RecordHeaders(),
                deliveryId, "delivery.v1", ceSource, receivedAt)));
        int index = 0;
        for (Evidence evidence : accepted.evidence()) {
            records.add(record(kafka.topic(Topics.forEvidence(evidence)), key, evidence,
                    CloudEventHeaders.write(new RecordHeaders(), deliveryId + "/" + index++,
                            evidence.kind() + ".v1", ceSource, evidence.occurredAt())));
        }
        return records;
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V value,
                                                            org.apache.kafka.common.header.Headers headers) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        return new ProducerRecord<>(topic.name(), null, key, bytes, headers);
    }

    /**
     * The request headers kept with the raw delivery: everything but credentials. Signatures stay (an HMAC does
     * not reveal its secret, and it lets an auditor who holds the secret re-verify the body).
     */
    static Map<String, String> evidenceHeaders(MultiMap headers) {
        Map<String, String> kept = new TreeMap<>();
        headers.forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!isCredential(name)) {
                kept.merge(name, h.getValue(), (a, b) -> a + ", " + b);
            }
        });
        return kept;
    }

    static boolean isCredential(String lowerCaseName) {
        return lowerCaseName.equals("authorization") || lowerCaseName.equals("proxy-authorization")
                || lowerCaseName.equals("cookie") || lowerCaseName.contains("token")
                || lowerCaseName.contains("secret") || lowerCaseName.contains("password")
                || lowerCaseName.contains("api-key") || lowerCaseName.contains("apikey");
    }
}
