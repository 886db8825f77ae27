package dev.oversight.backfill;

import dev.oversight.events.Source;
import dev.oversight.events.kafka.Topics;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.http.Delivery;
import dev.oversight.ingest.http.DeliveryRecords;
import dev.oversight.ingest.kafka.DeliveryPublisher;
import dev.oversight.runtime.kafka.KafkaConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Writes facts the way ingest writes a webhook's delivery: the source's own normalizer makes the evidence, and the
 * raw record (marked {@code provenance: backfill}), the evidence and the receipt of each fact are committed together
 * in one Kafka transaction ({@link DeliveryRecords}, {@link DeliveryPublisher}: the same code as live deliveries).
 */
public final class FactWriter implements AutoCloseable {

    /** Turns a fact into the evidence the webhook would have made: the source's normalizer. */
    public interface Normalizer extends BiFunction<Fact, java.time.Instant, Normalized> {}

    /** What came of a batch: the delivery ids now committed (or deliberately not used), and facts refused. */
    public record Outcome(List<String> handled, int written, List<String> refused) {}

    /** How often a fact is sent before the backfill stops (it can be resumed). */
    static final int ATTEMPTS = 5;

    private final KafkaConnection kafka;
    private final Source source;
    private final Normalizer normalizer;
    private final DeliveryPublisher publisher;
    private final Clock clock;

    public FactWriter(KafkaConnection kafka, Source source, Normalizer normalizer, String transactionalId, Clock clock) {
        this.kafka = kafka;
        this.source = source;
        this.normalizer = normalizer;
        this.clock = clock;
        this.publisher = new DeliveryPublisher(kafka, transactionalId, Duration.ofSeconds(30), new SimpleMeterRegistry());
    }

    /**
     * Writes the facts, each in the transaction of its batch; returns once all are committed (or throws). A
     * transaction that failed made none of its records visible, so its facts are sent again, up to
     * {@link #ATTEMPTS} times (Kafka busy, a producer fenced or timed out).
     */
    public Outcome write(List<Fact> facts) throws IOException, InterruptedException {
        List<String> handled = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<List<ProducerRecord<String, byte[]>>> toSend = new ArrayList<>();
        for (Fact fact : facts) {
            byte[] body = Json.mapper().writeValueAsBytes(fact.body());
            Normalized normalized;
            try {
                normalized = normalizer.apply(fact, clock.instant());
            } catch (MalformedPayloadException e) {
                refused.add(fact.deliveryId() + ": " + e.getMessage());
                handled.add(fact.deliveryId());
                continue;
            }
            handled.add(fact.deliveryId());
            if (!(normalized instanceof Normalized.Accepted)) {
                continue;
            }
            Delivery delivery = Delivery.of(source, fact.eventType(), fact.deliveryId(), body, normalized);
            toSend.add(DeliveryRecords.of(kafka, source, delivery, clock.instant(), "application/json", headers(fact),
                    null, DeliveryRecords.BACKFILL));
        }
        int written = toSend.size();
        for (int attempt = 1; !toSend.isEmpty(); attempt++) {
            List<CompletableFuture<Void>> pending = toSend.stream().map(publisher::publish).toList();
            List<List<ProducerRecord<String, byte[]>>> failed = new ArrayList<>();
            String why = null;
            for (int i = 0; i < pending.size(); i++) {
                try {
                    pending.get(i).get();
                } catch (ExecutionException e) {
                    failed.add(toSend.get(i));
                    why = e.getCause().getMessage();
                }
            }
            if (!failed.isEmpty() && attempt >= ATTEMPTS) {
                throw new IOException("Kafka did not take " + failed.size() + " facts after " + ATTEMPTS
                        + " attempts: " + why);
            }
            toSend = failed;
        }
        return new Outcome(handled, written, refused);
    }

    /** The headers a webhook of the source carries that say what it is, and where the fact was read. */
    private Map<String, String> headers(Fact fact) {
        Map<String, String> headers = new TreeMap<>();
        headers.put("content-type", "application/json");
        if (source == Source.GITHUB) {
            headers.put("x-github-event", fact.eventType());
            headers.put("x-github-delivery", fact.deliveryId());
        } else if (source == Source.GITLAB) {
            headers.put("x-gitlab-event", fact.eventType());
            headers.put("x-gitlab-event-uuid", fact.deliveryId());
        }
        if (fact.readFrom() != null) {
            headers.put("x-oversight-read-from", fact.readFrom());
        }
        return headers;
    }

    /**
     * The delivery ids of the source's backfilled facts whose receipts are committed: what an interrupted run wrote
     * after its checkpoint was last brought up to date. Reads the receipts topic from its start to its end.
     */
    public static Set<String> committed(KafkaConnection kafka, Source source, Duration timeout) {
        Map<String, Object> props = kafka.common("oversight-backfill-receipts");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        String prefix = source.id() + ":" + BackfillIds.PREFIX;
        Set<String> ids = new HashSet<>();
        String topic = kafka.topic(Topics.INGEST_DEDUP).name();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the receipts of " + topic + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.key().startsWith(prefix)) {
                        ids.add(record.key().substring(source.id().length() + 1));
                    }
                }
            }
        }
        return ids;
    }

    @Override
    public void close() {
        publisher.close();
    }
}
