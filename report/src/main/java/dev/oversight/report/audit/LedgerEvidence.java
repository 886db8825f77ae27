package dev.oversight.report.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.Ledger;
import dev.oversight.ledger.bundle.Export;
import dev.oversight.ledger.bundle.Query;
import dev.oversight.ledger.kafka.ChainHeads;
import dev.oversight.ledger.kafka.TopicReader;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verdict ledger's state when a package is written, for its manifest: the head ({@code seq}, {@code hash}) of
 * every chain of {@code oversight.verdicts} and {@code oversight.actions}, and the newest signed checkpoint of each
 * chain as stored on {@code oversight.checkpoints}. An auditor holding an {@code oversight export} bundle of the same
 * period checks it with {@code oversight verify} and compares its heads with these; the checkpoints are signed, so
 * they vouch for the heads by themselves with the operator's public key.
 */
public final class LedgerEvidence {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerEvidence.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LedgerEvidence() {}

    /** Reads the heads and checkpoints; says why when it cannot (no ledger topics yet, Kafka unreachable). */
    public static Map<String, Object> read(KafkaConnection kafka, Clock clock) {
        Map<String, Object> ledger = new LinkedHashMap<>();
        try {
            Map<String, Object> client = kafka.common("oversight-report-ledger");
            List<Map<String, Object>> heads = new ArrayList<>();
            try (ChainHeads reader = new ChainHeads(client)) {
                for (String topic : List.of(kafka.topic(Topics.VERDICTS).name(), kafka.topic(Topics.ACTIONS).name())) {
                    for (int partition : partitions(client, topic)) {
                        Ledger.Head head = reader.head(new TopicPartition(topic, partition));
                        Map<String, Object> one = new LinkedHashMap<>();
                        one.put("chain", Ledger.chainId(topic, partition));
                        one.put("seq", head.seq());
                        one.put("hash", head.hash());
                        heads.add(one);
                    }
                }
            }
            Map<String, JsonNode> newest = new TreeMap<>();
            TopicReader.read(client, kafka.topic(Topics.CHECKPOINTS).name(), n -> { }).values()
                    .forEach(records -> records.forEach(r -> {
                        JsonNode checkpoint = tree(r.value());
                        if (checkpoint != null && checkpoint.path("chain").isTextual()) {
                            newest.merge(checkpoint.get("chain").textValue(), checkpoint,
                                    (a, b) -> b.path("seq").asLong() >= a.path("seq").asLong() ? b : a);
                        }
                    }));
            ledger.put("status", "available");
            ledger.put("readAt", clock.instant().toString());
            ledger.put("heads", heads);
            // As maps: the manifest's writer takes maps, lists and plain values.
            ledger.put("checkpoints", newest.values().stream()
                    .map(c -> Json.mapper().convertValue(c, Map.class)).toList());
        } catch (RuntimeException e) {
            ledger.clear();
            ledger.put("status", "unavailable");
            ledger.put("note", "the ledger could not be read: " + (e.getMessage() == null ? e.toString()
                    : e.getMessage()));
            ledger.put("heads", List.of());
        }
        return ledger;
    }

    /**
     * Writes the ledger bundle of an audit package's scope with {@code oversight export}'s code, from the same cluster:
     * the verdicts decided from the period's first day on (a deploy's verdicts are decided after it), with the scope's
     * filters, and the actions on them.
     */
    public static AuditPackage.LedgerBundle bundle(KafkaConnection kafka, Clock clock) {
        return (scope, dir) -> {
            Query query = new Query(scope.from().atStartOfDay(ZoneOffset.UTC).toInstant(), null,
                    scope.environment().orElse(null), scope.service().orElse(null), scope.team().orElse(null),
                    scope.repository().orElse(null));
            new Export(kafka.common("oversight-report-ledger"), topics(kafka), clock, LOG::info)
                    .run(query, dir, kafka.bootstrapServers());
        };
    }

    /** The topics of the ledger on a cluster, with its topic prefix. */
    public static Export.Topics topics(KafkaConnection kafka) {
        return new Export.Topics(kafka.topic(Topics.VERDICTS).name(), kafka.topic(Topics.ACTIONS).name(),
                kafka.topic(Topics.CHECKPOINTS).name());
    }

    private static List<Integer> partitions(Map<String, Object> client, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist");
            }
            return infos.stream().map(PartitionInfo::partition).sorted().toList();
        }
    }

    private static JsonNode tree(byte[] value) {
        try {
            return Json.mapper().readTree(value);
        } catch (IOException e) {
            return null;
        }
    }
}
