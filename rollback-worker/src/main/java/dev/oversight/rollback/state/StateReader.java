package dev.oversight.rollback.state;

import dev.oversight.events.Action;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, outside any consumer group, every partition of the three topics the worker's state comes from:
 * {@code oversight.actions} and {@code oversight.last-good} from their beginning, {@code oversight.verdicts} from
 * {@code verdictLookback} ago. {@link #catchUp} reads up to what is committed now, so a decision taken after it sees
 * every action recorded, by any instance, before it. Used from the worker's own thread only.
 */
public final class StateReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateReader.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<String, Action> actions;
    private final Topic<String, LastGood> lastGood;
    private final Topic<String, Verdict> verdicts;
    private final Journal journal;
    private final LastGoods lastGoods;
    private final DeployWatch deploys;
    private final Map<String, Integer> partitions = new HashMap<>();

    public StateReader(KafkaConnection kafka, String clientId, Journal journal, LastGoods lastGoods, DeployWatch deploys) {
        Map<String, Object> props = kafka.common(clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.actions = kafka.topic(Topics.ACTIONS);
        this.lastGood = kafka.topic(Topics.LAST_GOOD);
        this.verdicts = kafka.topic(Topics.VERDICTS);
        this.journal = journal;
        this.lastGoods = lastGoods;
        this.deploys = deploys;
    }

    /**
     * Assigns every partition and positions on each topic's starting point. May be called again after a failure.
     *
     * @throws KafkaException when the topics cannot be described within the timeout
     */
    public void start(Clock clock, Duration verdictLookback, Duration timeout) {
        List<TopicPartition> all = new ArrayList<>();
        Map<TopicPartition, Long> since = new HashMap<>();
        long from = clock.millis() - verdictLookback.toMillis();
        for (String topic : List.of(actions.name(), lastGood.name(), verdicts.name())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException("topic " + topic + " does not exist, or is not known to this broker yet");
            }
            partitions.put(topic, infos.size());
            for (PartitionInfo info : infos) {
                TopicPartition tp = new TopicPartition(topic, info.partition());
                all.add(tp);
                if (topic.equals(verdicts.name())) {
                    since.put(tp, from);
                }
            }
        }
        consumer.assign(all);
        consumer.seekToBeginning(all.stream().filter(tp -> !since.containsKey(tp)).toList());
        // The ends first: a partition with no record since the lookback starts at its end as it was before the
        // lookup, so a verdict written meanwhile is not skipped.
        Map<TopicPartition, Long> ends = consumer.endOffsets(since.keySet(), timeout);
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, timeout);
        since.keySet().forEach(tp -> {
            OffsetAndTimestamp at = offsets.get(tp);
            consumer.seek(tp, at != null ? at.offset() : ends.get(tp));
        });
    }

    /** How many partitions a topic has (the verdicts topic's count places a repository on a partition). */
    public int partitionCount(String topic) {
        return partitions.getOrDefault(topic, 1);
    }

    /**
     * Reads every partition up to its end as of now.
     *
     * @throws KafkaException when Kafka cannot be read within the timeout: deciding on a stale journal is not safe
     */
    public void catchUp(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                take(record);
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaException("could not read the worker's state topics to their end within " + timeout);
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(actions.name())) {
                Action action = actions.valueSerde().deserializer().deserialize(record.topic(), record.value());
                if (action != null) {
                    journal.apply(action);
                }
            } else if (record.topic().equals(lastGood.name())) {
                lastGoods.apply(record.key(), lastGood.valueSerde().deserializer().deserialize(record.topic(),
                        record.value()));
            } else {
                deploys.apply(verdicts.valueSerde().deserializer().deserialize(record.topic(), record.value()));
            }
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            LOG.warn("Skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
