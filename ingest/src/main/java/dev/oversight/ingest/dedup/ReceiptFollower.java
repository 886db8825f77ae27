package dev.oversight.ingest.dedup;

import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code oversight.ingest-dedup} into the {@link DeliveryLedger}: at start the receipts of the dedup window (up
 * to the end the topic had then, after which the ledger is loaded), and from then on every receipt any ingest
 * instance commits. A read_committed consumer outside any group, on every partition.
 */
public final class ReceiptFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DeliveryLedger ledger;
    private final Duration window;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ReceiptFollower(KafkaConnection kafka, DeliveryLedger ledger, Duration window, String instanceId) {
        Map<String, Object> props = new HashMap<>(kafka.common("oversight-ingest-dedup-" + instanceId));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = kafka.topic(Topics.INGEST_DEDUP).name();
        this.ledger = ledger;
        this.window = window;
        this.thread = new Thread(this::run, "oversight-ingest-dedup");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        Map<TopicPartition, Long> loadUpTo = null;
        boolean assigned = false;
        try {
            while (running.get()) {
                try {
                    if (!assigned) {
                        loadUpTo = assign();
                        assigned = loadUpTo != null;
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.key() != null) {
                            ledger.remember(record.key(), record.timestamp());
                        }
                    }
                    if (!ledger.isLoaded() && loadUpTo.entrySet().stream()
                            .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        ledger.markLoaded();
                        LOG.info("Dedup memory loaded: {} delivery ids of the last {}", ledger.size(), window);
                    }
                } catch (WakeupException e) {
                    // close() was called
                } catch (KafkaException e) {
                    LOG.warn("Reading {} failed, retrying: {}", topic, e.toString());
                    pause();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Assigns every partition from the start of the window; returns where loading ends, or null when the topic does
     * not exist (yet).
     */
    private Map<TopicPartition, Long> assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (partitions.isEmpty()) {
            LOG.warn("Topic {} not found; waiting for it (repeated deliveries cannot be recognized before)", topic);
            pause();
            return null;
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        Map<TopicPartition, Long> since = new HashMap<>();
        long from = System.currentTimeMillis() - window.toMillis();
        all.forEach(tp -> since.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, Duration.ofSeconds(30));
        for (TopicPartition tp : all) {
            OffsetAndTimestamp start = starts.get(tp);
            if (start == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, start.offset());
            }
        }
        // For a read_committed consumer, the end is the last stable offset: what was committed by now.
        return consumer.endOffsets(all, Duration.ofSeconds(30));
    }

    private void pause() {
        long until = System.nanoTime() + 1_000_000_000L;
        while (running.get() && System.nanoTime() < until) {
            LockSupport.parkNanos(50_000_000L);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
