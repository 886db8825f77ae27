package dev.oversight.testing.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning, as a read_committed consumer outside any group, so a test can wait for the
 * records it expects: {@code probe.awaitRecords(list -> list.size() >= 3, Duration.ofSeconds(30))}.
 */
public final class TopicProbe<V> implements AutoCloseable {

    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();
    private final String topic;

    public TopicProbe(String bootstrapServers, String topic, Deserializer<V> values) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024),
                new StringDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until the records seen so far satisfy the condition; fails the test when time runs out. */
    public List<ConsumerRecord<String, V>> awaitRecords(Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            if (done.test(seen)) {
                return List.copyOf(seen);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting on " + topic + "; saw "
                        + seen.size() + " records: " + seen.stream().map(r -> String.valueOf(r.value())).toList());
            }
        }
    }

    /** Like {@link #awaitRecords} on the values. */
    public List<V> await(Predicate<List<V>> done, Duration timeout) {
        return awaitRecords(records -> done.test(records.stream().map(ConsumerRecord::value).toList()), timeout)
                .stream().map(ConsumerRecord::value).toList();
    }

    /**
     * Everything committed on the topic up to now: reads until the consumer's position reaches the last stable
     * offset of every partition (no waiting for "quiet").
     */
    public List<ConsumerRecord<String, V>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out reading " + topic + " to its end");
            }
        }
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
