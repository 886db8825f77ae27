package dev.oversight.ingest.http;

import dev.oversight.events.DeliveryReceipt;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.RawDeliverySerde;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.Normalized;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records one accepted delivery becomes — its raw record, its evidence records and its receipt, all keyed by its
 * repository — written together in one transaction. The one place they are made: by ingest for a webhook, and by
 * {@code oversight backfill} for a fact read from a source's API (whose raw record says so, {@code provenance}).
 */
public final class DeliveryRecords {

    /** The {@code provenance} of a raw record written by {@code oversight backfill}. */
    public static final String BACKFILL = "backfill";

    private DeliveryRecords() {}

    /**
     * @param provenance null for a delivery received as a webhook; {@link #BACKFILL} for one read from the source's
     *                   API afterwards (record header {@link RawDeliverySerde#PROVENANCE})
     */
    public static List<ProducerRecord<String, byte[]>> of(KafkaConnection kafka, Source source, Delivery delivery,
                                                          Instant receivedAt, String contentType,
                                                          Map<String, String> keptHeaders, RawDelivery.Batch batch,
                                                          String provenance) {
        Normalized.Accepted accepted = (Normalized.Accepted) delivery.normalized();
        String ceSource = RawDeliverySerde.SOURCE_PREFIX + source.id();
        String key = accepted.repository();
        String deliveryId = delivery.deliveryId();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        RawDelivery raw = new RawDelivery(RawDelivery.SCHEMA, source, delivery.eventType(), deliveryId, key,
                receivedAt, contentType, keptHeaders, batch, delivery.body());
        Topic<String, RawDelivery> rawTopic = kafka.topic(Topics.RAW);
        Headers rawHeaders = new RecordHeaders();
        // The value is the body's bytes as received: nothing is copied or escaped.
        byte[] body = rawTopic.valueSerde().serializer().serialize(rawTopic.name(), rawHeaders, raw);
        if (provenance != null) {
            rawHeaders.add(RawDeliverySerde.PROVENANCE, provenance.getBytes(StandardCharsets.UTF_8));
        }
        records.add(new ProducerRecord<>(rawTopic.name(), null, key, body, rawHeaders));
        int index = 0;
        for (Evidence evidence : accepted.evidence()) {
            records.add(record(kafka.topic(Topics.forEvidence(evidence)), key, evidence,
                    CloudEventHeaders.write(new RecordHeaders(), deliveryId + "/" + index++,
                            evidence.kind() + ".v1", ceSource, evidence.occurredAt())));
        }
        records.add(record(kafka.topic(Topics.INGEST_DEDUP), delivery.dedupKey(),
                new DeliveryReceipt(DeliveryReceipt.SCHEMA, source, deliveryId, key, receivedAt),
                CloudEventHeaders.write(new RecordHeaders(), deliveryId + "/receipt", "delivery-receipt.v1",
                        ceSource, receivedAt)));
        return records;
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V value,
                                                            Headers headers) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        return new ProducerRecord<>(topic.name(), null, key, bytes, headers);
    }
}
