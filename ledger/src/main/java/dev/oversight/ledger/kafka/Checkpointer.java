package dev.oversight.ledger.kafka;

import dev.oversight.events.Checkpoint;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.ledger.CheckpointSink;
import dev.oversight.ledger.Checkpoints;
import dev.oversight.ledger.Ledger;
import dev.oversight.ledger.LedgerConfig;
import dev.oversight.ledger.LedgerKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a checkpoint of each chain a writer owns, every interval when the chain grew since its last checkpoint, and
 * once more at shutdown: to {@code oversight.checkpoints} and to the operator's second place. It reads each chain's
 * head from the topic as committed (read_committed), so a checkpoint never vouches for a record a transaction may
 * still abort. A restarted writer checkpoints each of its chains once on its first round.
 */
public final class Checkpointer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final LedgerConfig config;
    private final LedgerKey key;
    private final String origin;
    private final String chainedTopic;
    private final Topic<String, Checkpoint> checkpoints;
    private final Supplier<Set<Integer>> owned;
    private final Supplier<List<String>> policyVersions;
    private final Clock clock;
    private final Optional<CheckpointSink> sink;
    private final Map<String, Object> kafka;
    private final Map<String, Long> checkpointed = new HashMap<>();
    private ChainHeads heads;
    private KafkaProducer<String, byte[]> producer;
    private ScheduledExecutorService scheduler;

    /**
     * @param origin       who signs, as the checkpoints say ({@code policy-stream@host})
     * @param chainedTopic the topic whose partitions are the chains
     * @param owned        the partitions this writer writes now
     */
    public Checkpointer(LedgerConfig config, LedgerKey key, String origin, Map<String, Object> kafka,
                        String chainedTopic, Topic<String, Checkpoint> checkpoints, Supplier<Set<Integer>> owned,
                        Supplier<List<String>> policyVersions, Clock clock) {
        this.config = config;
        this.key = key;
        this.origin = origin;
        this.kafka = kafka;
        this.chainedTopic = chainedTopic;
        this.checkpoints = checkpoints;
        this.owned = owned;
        this.policyVersions = policyVersions;
        this.clock = clock;
        this.sink = CheckpointSink.of(config);
    }

    public void start() {
        if (sink.isEmpty()) {
            LOG.warn("Ledger checkpoints of {} go to {} only: set OVERSIGHT_LEDGER_CHECKPOINT_DIR or"
                    + " OVERSIGHT_LEDGER_CHECKPOINT_URL to keep them in a second place", chainedTopic, checkpoints.name());
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oversight-ledger-checkpoints");
            t.setDaemon(true);
            return t;
        });
        long every = config.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> round(owned.get()), every, every, TimeUnit.MILLISECONDS);
        LOG.info("Ledger: chains of {} checkpointed every {} (key {}{})", chainedTopic, config.checkpointInterval(),
                key.keyId(), sink.map(s -> ", also to " + s.describe()).orElse(""));
    }

    /** One round over the given partitions; a failure is logged and tried again at the next round. */
    public synchronized void round(Set<Integer> partitions) {
        for (int partition : partitions.stream().sorted().toList()) {
            String chain = Ledger.chainId(chainedTopic, partition);
            try {
                checkpoint(chain, partition);
            } catch (RuntimeException e) {
                LOG.warn("Cannot checkpoint ledger chain {} now ({}); next try in {}", chain, e.getMessage(),
                        config.checkpointInterval());
            }
        }
    }

    private void checkpoint(String chain, int partition) {
        if (heads == null) {
            heads = new ChainHeads(kafka);
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        Ledger.Head head = heads.head(new TopicPartition(chainedTopic, partition));
        if (head.seq() == 0 || Long.valueOf(head.seq()).equals(checkpointed.get(chain))) {
            return;
        }
        Checkpoint checkpoint = Checkpoints.sign(key, origin, chain, head.seq(), head.hash(), clock.instant(),
                policyVersions.get());
        try {
            producer.send(new ProducerRecord<>(checkpoints.name(), null, chain,
                    checkpoints.valueSerde().serializer().serialize(checkpoints.name(), checkpoint),
                    CloudEventHeaders.write(new RecordHeaders(), chain + "@" + head.seq(), "checkpoint.v1",
                            "/oversight/" + origin, checkpoint.time()))).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot write to " + checkpoints.name() + ": " + e.getCause(), e);
        }
        sink.ifPresent(s -> s.keep(checkpoint));
        checkpointed.put(chain, head.seq());
        LOG.debug("Ledger checkpoint {} seq {} head {}", chain, head.seq(), head.hash());
    }

    /** The shutdown checkpoint of the chains given (what the writer owned before it stopped writing), then closes. */
    public void shutdown(Set<Integer> partitions) {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        round(partitions);
        close();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (heads != null) {
            heads.close();
            heads = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
