package dev.oversight.ingest.http;

import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.dedup.DeliveryLedger;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every webhook route does once a source has read a request: skip deliveries that were accepted before, write
 * the raw delivery, its evidence and its receipt (for deduplication) to Kafka together, answer 202 only when they are
 * committed and 503 when they could not be, and count every outcome.
 */
public final class DeliveryAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAcceptor.class);

    /** Answer codes and the outcome tag they are counted under. */
    public enum Outcome { ACCEPTED, DUPLICATE, IGNORED, REJECTED, UNAVAILABLE }

    private final DeliveryPublisher publisher;
    private final DeliveryLedger ledger;
    private final KafkaConnection kafka;
    private final MeterRegistry registry;
    private final Duration waitLimit;

    /** @param waitLimit how long a request may wait for the dedup memory or for an identical delivery in flight */
    public DeliveryAcceptor(DeliveryPublisher publisher, DeliveryLedger ledger, KafkaConnection kafka,
                            MeterRegistry registry, Duration waitLimit) {
        this.publisher = publisher;
        this.ledger = ledger;
        this.kafka = kafka;
        this.registry = registry;
        this.waitLimit = waitLimit;
    }

    /** Writes what a request carried and answers. {@code started} is when the request arrived (System.nanoTime). */
    public void accept(RoutingContext ctx, long started, Source source, Intake intake, Instant receivedAt) {
        if (intake.deliveries().isEmpty()) {
            finish(started, source, intake.eventTag(), Outcome.IGNORED);
            Replies.json(ctx, 200, new JsonObject().put("status", "ignored").put("reason", "the batch is empty"));
            return;
        }
        List<Delivery> used = intake.deliveries().stream()
                .filter(d -> d.normalized() instanceof Normalized.Accepted).toList();
        if (used.isEmpty()) {
            finish(started, source, intake.eventTag(), Outcome.IGNORED);
            Delivery first = intake.deliveries().get(0);
            String reason = intake.deliveries().size() == 1 ? ((Normalized.Ignored) first.normalized()).reason()
                    : "no event of the batch is used by Oversight";
            Replies.json(ctx, 200, new JsonObject().put("status", "ignored").put("deliveryId", first.deliveryId())
                    .put("reason", reason));
            return;
        }
        Future.fromCompletionStage(ledger.loaded().orTimeout(waitLimit.toMillis(), TimeUnit.MILLISECONDS),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(v -> claimAndWrite(ctx, started, source, intake, used, receivedAt))
                .onFailure(e -> unavailable(ctx, started, source, intake.eventTag(), used,
                        "the memory of accepted deliveries is still loading"));
    }

    private void claimAndWrite(RoutingContext ctx, long started, Source source, Intake intake, List<Delivery> used,
                               Instant receivedAt) {
        DeliveryLedger.Claim claim = ledger.claim(used.stream().map(Delivery::dedupKey).toList());
        if (claim instanceof DeliveryLedger.Claim.Busy busy) {
            // An identical delivery is being written right now: its outcome decides what this one is.
            Future.fromCompletionStage(busy.settled().copy().orTimeout(waitLimit.toMillis(), TimeUnit.MILLISECONDS),
                            ctx.vertx().getOrCreateContext())
                    .onSuccess(v -> claimAndWrite(ctx, started, source, intake, used, receivedAt))
                    .onFailure(e -> unavailable(ctx, started, source, intake.eventTag(), used,
                            "an identical delivery is still being written"));
            return;
        }
        DeliveryLedger.Claim.Owned owned = (DeliveryLedger.Claim.Owned) claim;
        if (!owned.duplicates().isEmpty()) {
            Counter.builder(IngestMeters.DEDUP_HITS)
                    .description("Deliveries answered duplicate: accepted before")
                    .baseUnit("deliveries")
                    .tag("source", source.id())
                    .register(registry).increment(owned.duplicates().size());
        }
        Set<String> toWrite = new HashSet<>(owned.fresh());
        List<Delivery> fresh = used.stream().filter(d -> toWrite.remove(d.dedupKey())).toList();
        if (fresh.isEmpty()) {
            ledger.released(owned);
            finish(started, source, intake.eventTag(), Outcome.DUPLICATE);
            Replies.json(ctx, 200, new JsonObject().put("status", "duplicate")
                    .put("deliveryId", used.get(0).deliveryId()));
            return;
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        fresh.forEach(d -> records.addAll(records(source, intake, d, receivedAt, ctx.request().headers())));
        Future.fromCompletionStage(publisher.publish(records), ctx.vertx().getOrCreateContext())
                .onSuccess(v -> {
                    ledger.committed(owned);
                    finish(started, source, intake.eventTag(), Outcome.ACCEPTED);
                    fresh.forEach(d -> ((Normalized.Accepted) d.normalized()).evidence()
                            .forEach(e -> Counter.builder(IngestMeters.EVIDENCE)
                                    .description("Evidence records written to Kafka")
                                    .baseUnit("records")
                                    .tag("source", source.id())
                                    .tag("kind", e.kind())
                                    .register(registry).increment()));
                    JsonObject answer = new JsonObject().put("status", "accepted")
                            .put("deliveryId", fresh.get(0).deliveryId())
                            .put("repository", ((Normalized.Accepted) fresh.get(0).normalized()).repository())
                            .put("records", records.size());
                    if (intake.deliveries().size() > 1) {
                        answer.put("accepted", fresh.size()).put("duplicates", owned.duplicates().size())
                                .put("ignored", intake.deliveries().size() - used.size());
                    }
                    Replies.json(ctx, 202, answer);
                })
                .onFailure(e -> {
                    ledger.released(owned);
                    LOG.warn("Delivery {} from {} not written: {}", fresh.get(0).deliveryId(), source.id(),
                            e.getMessage());
                    unavailable(ctx, started, source, intake.eventTag(), fresh,
                            "Kafka cannot take the event right now");
                });
    }

    private void unavailable(RoutingContext ctx, long started, Source source, String eventTag, List<Delivery> used,
                             String why) {
        finish(started, source, eventTag, Outcome.UNAVAILABLE);
        ctx.response().putHeader("Retry-After", "5");
        Replies.error(ctx, 503, why + "; nothing of delivery " + used.get(0).deliveryId()
                + " was written, retry later");
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

    /** The raw record, the evidence records and the receipt of one delivery, all keyed by its repository. */
    private List<ProducerRecord<String, byte[]>> records(Source source, Intake intake, Delivery delivery,
                                                        Instant receivedAt, MultiMap headers) {
        RawDelivery.Batch batch = intake.batch() ? new RawDelivery.Batch(intake.deliveries().indexOf(delivery) + 1,
                intake.deliveries().size()) : null;
        return DeliveryRecords.of(kafka, source, delivery, receivedAt, contentType(headers.get("Content-Type")),
                evidenceHeaders(headers), batch, null);
    }

    /**
     * The raw record's {@code content-type}: the request's, except that a CloudEvent sent structured or in a batch
     * (whose body, the whole event, is JSON) is {@code application/json}. A content type starting
     * {@code application/cloudevents} would tell a CloudEvents reader that the record is a structured-mode event of
     * its own; the raw record is a binary-mode {@code delivery} event whose data is the event as sent. The request's
     * own Content-Type stays among the kept headers.
     */
    static String contentType(String requestContentType) {
        return requestContentType.regionMatches(true, 0, "application/cloudevents", 0, 23) ? "application/json"
                : requestContentType;
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
