package dev.oversight.ledger.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        Map<String, Object> props = new HashMap<>(common);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        Map<Integer, List<Stored>> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(p -> out.put(p.partition(), new ArrayList<>()));
            long read = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < ends.get(p))) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("no progress reading " + topic
                            + " for " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() < ends.get(new TopicPartition(topic, r.partition())) && r.value() != null) {
                        out.get(r.partition()).add(new Stored(r.partition(), r.offset(), r.timestamp(), r.value()));
                        read++;
                    }
                }
                progress.accept(read);
            }
        }
        return out;
    }
}
