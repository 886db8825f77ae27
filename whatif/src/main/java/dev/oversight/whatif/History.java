package dev.oversight.whatif;

import dev.oversight.events.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The stored history, read without a trace: one consumer with {@code assign()} and {@code seek()}, no group id, no
 * offset committed, {@code read_committed}. Every topic is read up to its end as of {@link #open} (what a run
 * compares is what was there when it started).
 */
final class History implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long the cluster has to answer the first question (the topics' partitions). */
    private static final Duration CONNECT = Duration.ofSeconds(30);
    /** Records buffered per partition before it is paused, so memory stays bounded whatever the history's size. */
    private static final int BUFFER = 5_000;

    /** A record of an evidence topic, as stored. */
    record Stored(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}

    /** Told the records read so far and the records to read in all. */
    interface Progress {
        void update(long read, long total);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> evidenceTopics;
    private final String verdictsTopic;
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    private final Map<String, Integer> partitions = new HashMap<>();
    /** Per evidence partition: the time of its oldest record left, where older ones were deleted (retention). */
    private final Map<TopicPartition, Instant> horizons = new HashMap<>();
    private final Instant asOf;
    private final Object bootstrap;

    private History(Map<String, Object> common, List<String> evidenceTopics, String verdictsTopic) {
        Map<String, Object> props = new HashMap<>(common);
        this.bootstrap = common.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.evidenceTopics = List.copyOf(evidenceTopics);
        this.verdictsTopic = verdictsTopic;
        this.asOf = Instant.now();
    }

    /** Looks up every topic's partitions, ends and, where retention deleted records, its oldest record left. */
    static History open(Map<String, Object> common, List<String> evidenceTopics, String verdictsTopic) {
        History history = new History(common, evidenceTopics, verdictsTopic);
        try {
            history.snapshot();
            return history;
        } catch (RuntimeException e) {
            history.close();
            throw e;
        }
    }

    private void snapshot() {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics()) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, CONNECT);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new IllegalStateException("the Kafka cluster at " + bootstrap + " did not answer in "
                        + CONNECT.toSeconds() + " s", e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the topic " + topic + " does not exist (is this Oversight's cluster,"
                        + " and its topic prefix?)");
            }
            partitions.put(topic, infos.size());
            infos.forEach(i -> all.add(new TopicPartition(topic, i.partition())));
        }
        ends.putAll(consumer.endOffsets(all, TIMEOUT));
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(all, TIMEOUT);
        Map<TopicPartition, Long> truncated = new HashMap<>();
        begins.forEach((tp, begin) -> {
            if (begin > 0 && evidenceTopics.contains(tp.topic())) {
                truncated.put(tp, 0L);
            }
        });
        if (!truncated.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> oldest = consumer.offsetsForTimes(truncated, TIMEOUT);
            truncated.keySet().forEach(tp -> {
                OffsetAndTimestamp o = oldest.get(tp);
                horizons.put(tp, o == null ? asOf : Instant.ofEpochMilli(o.timestamp()));
            });
        }
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>(evidenceTopics);
        topics.add(verdictsTopic);
        return topics;
    }

    Instant asOf() {
        return asOf;
    }

    /**
     * Null when the evidence of a repository's deploy at this time is complete from {@code since} on; else why not:
     * an evidence partition of the repository lost records younger than that to retention.
     */
    String incomplete(String repository, Instant since) {
        if (horizons.isEmpty() || repository == null) {
            return null;
        }
        byte[] key = repository.getBytes(StandardCharsets.UTF_8);
        for (String topic : evidenceTopics) {
            TopicPartition tp = new TopicPartition(topic,
                    BuiltInPartitioner.partitionForKey(key, partitions.get(topic)));
            Instant horizon = horizons.get(tp);
            if (horizon != null && horizon.isAfter(since)) {
                return "evidence from before " + horizon + " is no longer on " + topic + " (retention); the replay needs"
                        + " it from " + since;
            }
        }
        return null;
    }

    /** Offsets where reading from a time starts, per partition of the topics (the end where nothing is that late). */
    private Map<TopicPartition, Long> startAt(List<String> topics, Instant from) {
        Map<TopicPartition, Long> query = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions.get(topic); p++) {
                query.put(new TopicPartition(topic, p), Math.max(0, from.toEpochMilli()));
            }
        }
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
        Map<TopicPartition, Long> start = new HashMap<>();
        query.keySet().forEach(tp -> {
            OffsetAndTimestamp o = found.get(tp);
            start.put(tp, o == null ? ends.get(tp) : Math.min(o.offset(), ends.get(tp)));
        });
        return start;
    }

    /** How many records the evidence from {@code from} and the verdicts from {@code verdictsFrom} are, at most. */
    long size(Instant from, Instant verdictsFrom) {
        long n = 0;
        for (var e : startAt(evidenceTopics, from).entrySet()) {
            n += ends.get(e.getKey()) - e.getValue();
        }
        for (var e : startAt(List.of(verdictsTopic), verdictsFrom).entrySet()) {
            n += ends.get(e.getKey()) - e.getValue();
        }
        return n;
    }

    /** Every verdict written from about {@code from} on (by the time it was written), in each partition's order. */
    void verdicts(Instant from, Consumer<Verdict> each, Runnable onRecord) {
        var deserializer = dev.oversight.events.kafka.Topics.VERDICTS.valueSerde().deserializer();
        read(startAt(List.of(verdictsTopic), from), r -> {
            onRecord.run();
            if (r.value() != null) {
                each.accept(deserializer.deserialize(verdictsTopic, r.value()));
            }
        });
    }

    /**
     * The evidence from {@code from} on, all topics merged in the order of their records' timestamps (the time
     * ingest wrote them, which is the order policy-stream read them in, up to milliseconds); at the same
     * millisecond, in the order the evidence topics were given, then by offset.
     *
     * @param repository only this repository's records (the key), or null for all
     */
    void evidence(Instant from, String repository, Consumer<Stored> each, Runnable onRecord) {
        byte[] wanted = repository == null ? null : repository.getBytes(StandardCharsets.UTF_8);
        Map<TopicPartition, Long> start = startAt(evidenceTopics, from);
        List<TopicPartition> open = new ArrayList<>(start.keySet().stream()
                .filter(tp -> start.get(tp) < ends.get(tp)).toList());
        Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
        open.forEach(tp -> buffers.put(tp, new ArrayDeque<>()));
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, start.get(tp)));
        Comparator<TopicPartition> byHead = Comparator
                .comparingLong((TopicPartition tp) -> buffers.get(tp).peekFirst().timestamp())
                .thenComparingInt(tp -> evidenceTopics.indexOf(tp.topic()))
                .thenComparingInt(TopicPartition::partition);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!open.isEmpty()) {
            // Every partition still open needs a record buffered before the earliest one can be known.
            List<TopicPartition> empty = open.stream().filter(tp -> buffers.get(tp).isEmpty()).toList();
            if (!empty.isEmpty()) {
                List<TopicPartition> done = empty.stream().filter(tp -> consumer.position(tp, TIMEOUT) >= ends.get(tp))
                        .toList();
                if (!done.isEmpty()) {
                    open.removeAll(done);
                    continue;
                }
                List<TopicPartition> full = open.stream().filter(tp -> buffers.get(tp).size() >= BUFFER).toList();
                consumer.pause(full);
                consumer.resume(open.stream().filter(tp -> buffers.get(tp).size() < BUFFER).toList());
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("no progress reading the evidence for "
                            + TIMEOUT);
                }
                if (!records.isEmpty()) {
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ends.get(tp)) {
                        buffers.get(tp).add(r);
                    }
                }
                continue;
            }
            TopicPartition first = open.get(0);
            for (int i = 1; i < open.size(); i++) {
                if (byHead.compare(open.get(i), first) < 0) {
                    first = open.get(i);
                }
            }
            ConsumerRecord<byte[], byte[]> r = buffers.get(first).pollFirst();
            onRecord.run();
            if (r.value() != null && (wanted == null || Arrays.equals(wanted, r.key()))) {
                each.accept(new Stored(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
            }
        }
        consumer.assign(List.of());
    }

    /** Reads the partitions from the offsets given to their ends, partition by partition order of arrival. */
    private void read(Map<TopicPartition, Long> start, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> open = new ArrayList<>(start.keySet().stream()
                .filter(tp -> start.get(tp) < ends.get(tp)).toList());
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, start.get(tp)));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (open.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < ends.get(tp))) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (records.isEmpty() && System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("no progress reading " + open + " for "
                        + TIMEOUT);
            }
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + TIMEOUT.toNanos();
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                    each.accept(r);
                }
            }
        }
        consumer.assign(List.of());
    }

    /** End offsets as of the start, for the tests' check that nothing was written. */
    Map<TopicPartition, Long> ends() {
        return Map.copyOf(ends);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
