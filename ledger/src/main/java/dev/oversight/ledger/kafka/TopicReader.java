package dev.oversight.ledger.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic as committed (read_committed), partition by partition, in offset order, without a group. */
public final class TopicReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A record as stored: its value bytes and where it is. */
    public record Stored(int partition, long offset, long timestamp, byte[] value) {
        public String where(String topic) {
            return topic + "/" + partition + "@" + offset;
        }
    }

    private TopicReader() {}

    /**
     * @param progress told the number of records read so far, now and then
     * @return each partition's records (tombstones left out)
     */
    public static Map<Integer, List<Stored>> read(Map<String, Object> common, String topic, LongConsumer progress) {
        Map<Integer, List<Stored>> out = new TreeMap<>();
        forEach(common, topic, partition -> out.put(partition, new ArrayList<>()),
                r -> out.get(r.partition()).add(new Stored(r.partition(), r.offset(), r.timestamp(), r.value())),
                progress);
        return out;
    }

    /**
     * Reads every committed record of the topic up to its end as of the start, one at a time, holding none: for
     * topics too large to keep in memory (the raw deliveries).
     *
     * @param partitions told each partition of the topic before any record
     * @param each       given each record with a value, in offset order per partition
     * @param progress   told the number of records read so far, now and then
     */
    public static void forEach(Map<String, Object> common, String topic, IntConsumer partitions,
                               Consumer<ConsumerRecord<byte[], byte[]>> each, LongConsumer progress) {
        Map<String, Object> props = new HashMap<>(common);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist");
            }
            List<TopicPartition> assigned = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, TIMEOUT);
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            assigned.forEach(p -> partitions.accept(p.partition()));
            long read = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (assigned.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < ends.get(p))) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("no progress reading " + topic
                            + " for " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() < ends.get(new TopicPartition(topic, r.partition())) && r.value() != null) {
                        each.accept(r);
                        read++;
                    }
                }
                progress.accept(read);
            }
        }
    }
}
