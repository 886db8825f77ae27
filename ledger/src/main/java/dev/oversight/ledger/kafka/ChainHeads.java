package dev.oversight.ledger.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import dev.oversight.ledger.Ledger;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the head of a chain from its partition: the link of the last committed record that carries one (reading
 * backwards from the end in growing windows, as transaction markers and unchained records may sit in between). One
 * thread at a time.
 */
public final class ChainHeads implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param common Kafka client settings (bootstrap servers, security); no group is used */
    public ChainHeads(Map<String, Object> common) {
        Map<String, Object> props = new java.util.HashMap<>(common);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The head of the chain in this partition; {@link Ledger.Head#EMPTY} when no record there carries a link. */
    public Ledger.Head head(TopicPartition partition) {
        List<TopicPartition> one = List.of(partition);
        long begin = consumer.beginningOffsets(one, TIMEOUT).get(partition);
        long end = consumer.endOffsets(one, TIMEOUT).get(partition);
        consumer.assign(one);
        for (long window = 16; ; window *= 8) {
            long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            Ledger.Head head = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("cannot read " + partition
                            + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end) {
                        Ledger.Head found = link(record.value());
                        if (found != null) {
                            head = found;
                        }
                    }
                }
            }
            if (head != null) {
                return head;
            }
            if (from == begin) {
                return Ledger.Head.EMPTY;
            }
        }
    }

    private static Ledger.Head link(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode ledger = Json.mapper().readTree(value).path("ledger");
            if (ledger.path("seq").canConvertToLong() && ledger.path("hash").isTextual()) {
                return new Ledger.Head(ledger.get("seq").asLong(), ledger.get("hash").textValue());
            }
        } catch (IOException e) {
            // not JSON: not a chained record
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
