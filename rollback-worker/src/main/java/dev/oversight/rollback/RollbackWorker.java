package dev.oversight.rollback;

import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.LedgerKey;
import dev.oversight.ledger.kafka.ChainHeads;
import dev.oversight.ledger.kafka.Checkpointer;
import dev.oversight.rollback.alert.AlertSink;
import dev.oversight.rollback.alert.AlertmanagerSink;
import dev.oversight.rollback.delivery.Backoff;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.Retrier;
import dev.oversight.rollback.delivery.Sleeper;
import dev.oversight.rollback.executor.RollbackExecutor;
import dev.oversight.rollback.safety.CircuitBreaker;
import dev.oversight.rollback.state.DeployWatch;
import dev.oversight.rollback.state.Journal;
import dev.oversight.rollback.state.LastGoods;
import dev.oversight.rollback.state.StateReader;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.kafka.KafkaHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads verdicts (consumer group, read_committed, one verdict at a time) and acts on each through
 * {@link VerdictHandler}; a verdict's offset is committed only after every action on it is recorded on
 * {@code oversight.actions}. Before acting it reads the action journal, the last good versions and the recent
 * deploys up to now (all partitions), so what another instance or an earlier run did is known.
 * <p>
 * Failures are classified: Kafka unable to take a record is retriable (the verdict is read again after a backoff,
 * and the journal keeps it from being acted on twice); a verdict that cannot be read or handled otherwise goes to
 * {@code oversight.dlq} and the worker moves on. Between verdicts it re-sends the open Alertmanager alerts of the
 * repositories whose partitions it owns, and updates the open-violations gauge.
 */
public final class RollbackWorker implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackWorker.class);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GAUGE_EVERY = Duration.ofSeconds(5);
    /** Longest a verdict may take (every action with its retries) before the group deems the worker gone. */
    private static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(15);
    /** How long close() lets the verdict in hand finish before interrupting it. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final List<AlertSink> sinks;
    private final Map<String, RollbackExecutor> executors;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private KafkaConsumer<String, Verdict> consumer;
    private KafkaProducer<String, byte[]> producer;
    private List<KafkaClientMetrics> clientMetrics = List.of();
    private StateReader state;
    private Journal journal;
    private DeployWatch deploys;
    private VerdictHandler handler;
    private ActionLog log;
    private ChainHeads chainHeads;
    private Checkpointer checkpointer;
    private WorkerMeters meters;
    private KafkaHealth kafkaHealth;
    private Thread thread;
    private int verdictPartitions = 1;
    private volatile boolean loaded;
    private volatile boolean assigned;
    private volatile String blocked;
    private Instant nextRefresh = Instant.MIN;
    private Instant nextGauge = Instant.MIN;

    /** The worker with the sinks given and the executors the configuration sets. */
    public RollbackWorker(WorkerConfig config, List<AlertSink> sinks, MeterRegistry registry, Clock clock) {
        this(config, sinks, Sinks.executors(config), registry, clock, Sleeper.SYSTEM);
    }

    public RollbackWorker(WorkerConfig config, List<AlertSink> sinks, Map<String, RollbackExecutor> executors,
                          MeterRegistry registry, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.sinks = List.copyOf(sinks);
        this.executors = Map.copyOf(executors);
        this.registry = registry;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public String name() {
        return "rollback-worker";
    }

    @Override
    public void start() {
        Topic<String, Verdict> verdicts = config.kafka().topic(Topics.VERDICTS);
        Map<String, Object> consumerProps = config.kafka().common("oversight-rollback-worker");
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        consumerProps.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis());
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), verdicts.valueSerde().deserializer());
        Map<String, Object> producerProps = config.kafka().common("oversight-rollback-worker-actions");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        // The verdict consumer's lag and the action producer's health, on /metrics.
        clientMetrics = List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(producer));
        clientMetrics.forEach(m -> m.bindTo(registry));
        meters = new WorkerMeters(registry, service -> config.policy().team(service).orElse("none"));
        meters.initialize(config.policy(), sinks.stream().map(AlertSink::name).toList());
        WorkerConfig.Rollbacks rollbacks = config.rollbacks();
        journal = new Journal(executor -> new CircuitBreaker(rollbacks.breakerFailures(), rollbacks.breakerCoolDown()));
        LastGoods lastGoods = new LastGoods();
        deploys = new DeployWatch();
        state = new StateReader(config.kafka(), "oversight-rollback-worker-state", journal, lastGoods, deploys);
        String actionsTopic = config.kafka().topic(Topics.ACTIONS).name();
        chainHeads = new ChainHeads(config.kafka().common("oversight-rollback-worker-ledger"));
        log = new ActionLog(producer, config.kafka().topic(Topics.ACTIONS), config.kafka().topic(Topics.DLQ), journal,
                meters, clock, partition -> chainHeads.head(new TopicPartition(actionsTopic, partition)));
        checkpointer = new Checkpointer(config.ledger(), LedgerKey.loadOrCreate(config.ledger().keyFile()),
                "rollback-worker/" + config.groupId(), config.kafka().common("oversight-rollback-worker-checkpoints"),
                actionsTopic, config.kafka().topic(Topics.CHECKPOINTS), () -> Set.copyOf(owned), List::of, clock);
        WorkerConfig.Retries retries = config.retries();
        Retrier retrier = new Retrier(retries.retries(), Backoff.of(retries.backoff(), retries.maxBackoff()), sleeper);
        handler = new VerdictHandler(config, sinks, executors, journal, lastGoods, deploys, log, retrier, clock, meters);
        executors.keySet().forEach(name -> meters.breaker(name,
                () -> journal.breaker(name).state(clock.instant()) == CircuitBreaker.State.OPEN));
        kafkaHealth = new KafkaHealth(config.kafka(), Duration.ofSeconds(2));
        thread = new Thread(() -> run(verdicts.name()), "oversight-rollback-worker");
        thread.start();
        checkpointer.start();
    }

    private void run(String topic) {
        Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30));
        try {
            load(backoff);
            verdictPartitions = state.partitionCount(topic);
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> owned.remove(p.partition()));
                    log.forget(partitions.stream().map(TopicPartition::partition).toList());
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> owned.add(p.partition()));
                    assigned = true;
                }
            });
            int failures = 0;
            while (running.get()) {
                try {
                    for (ConsumerRecord<String, Verdict> record : poll()) {
                        process(record);
                    }
                    maintain();
                    failures = 0;
                    blocked = null;
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // Kafka cannot take or give records now: try the same verdict again later. Nothing is lost and,
                    // thanks to the journal, nothing is done twice.
                    blocked = e.getMessage();
                    LOG.warn("Kafka is not available to the worker ({}); retrying", e.getMessage());
                    sleeper.sleep(backoff.delay(++failures, null));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("rollback-worker woken up unexpectedly; it stops and resumes from its last committed verdict");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("rollback-worker stopped on an error; it resumes from its last committed verdict on restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            state.close();
            chainHeads.close();
        }
    }

    /**
     * Reads the state topics up to now before the first verdict; Kafka not ready yet (a topic just created, a broker
     * restarting) is waited out.
     */
    private void load(Backoff backoff) throws InterruptedException {
        for (int failures = 1; running.get(); failures++) {
            try {
                state.start(clock, lookback(), STATE_TIMEOUT);
                state.catchUp(STATE_TIMEOUT);
                loaded = true;
                blocked = null;
                return;
            } catch (KafkaException e) {
                blocked = e.getMessage();
                LOG.warn("Cannot read the worker's state from Kafka yet ({}); retrying", e.getMessage());
                sleeper.sleep(backoff.delay(failures, null));
            }
        }
    }

    /** Deploys older than the maximum age are never rolled back, so the deploys before them do not matter. */
    private Duration lookback() {
        return config.rollbacks().maxAge().plus(Duration.ofHours(1));
    }

    /** Polls; a verdict that cannot be read goes to the DLQ with its raw bytes, and its offset is committed. */
    private Iterable<ConsumerRecord<String, Verdict>> poll() {
        try {
            return consumer.poll(Duration.ofMillis(500));
        } catch (RecordDeserializationException e) {
            TopicPartition tp = e.topicPartition();
            String value = e.valueBuffer() == null ? null : StandardCharsets.UTF_8.decode(e.valueBuffer()).toString();
            String key = e.keyBuffer() == null ? null : StandardCharsets.UTF_8.decode(e.keyBuffer()).toString();
            LOG.error("Verdict at {}@{} cannot be read; sent to the dead-letter topic: {}", tp, e.offset(),
                    e.getMessage());
            log.deadLetter(new ActionLog.Source(tp.topic(), tp.partition(), e.offset(), key), value, e.getMessage());
            consumer.seek(tp, e.offset() + 1);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(e.offset() + 1)));
            return List.of();
        }
    }

    private void process(ConsumerRecord<String, Verdict> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        ActionLog.Source source = new ActionLog.Source(record.topic(), record.partition(), record.offset(), record.key());
        try {
            log.flush();
            Verdict verdict = record.value();
            try {
                if (verdict != null && handler.concerns(verdict)) {
                    state.catchUp(STATE_TIMEOUT);
                    handler.handle(source, verdict);
                }
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                // Not Kafka, not a sink: a verdict this code cannot handle. Set it aside and go on with the others.
                LOG.error("Verdict at {}@{} could not be handled; sent to the dead-letter topic", tp, record.offset(), e);
                log.deadLetter(source, verdict, e.toString());
            }
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, record.offset());
            }
            throw e;
        }
    }

    /** Between verdicts: keep the open Alertmanager alerts alive, and the gauge current. */
    private void maintain() {
        Instant now = clock.instant();
        if (!now.isBefore(nextRefresh)) {
            nextRefresh = now.plus(config.alerting().alertmanagerRefresh());
            // What other instances resolved (before a rebalance gave this one their partitions) is known first.
            state.catchUp(STATE_TIMEOUT);
            refreshAlertmanager();
        }
        if (!now.isBefore(nextGauge)) {
            nextGauge = now.plus(GAUGE_EVERY);
            deploys.forgetBefore(now.minus(lookback()));
            meters.openViolations(journal.violations().stream().filter(c -> owns(c.repository()))
                    .collect(Collectors.groupingBy(c -> List.of(c.environment(), c.service()),
                            Collectors.filtering(Journal.Case::openViolation, Collectors.counting()))));
        }
    }

    private void refreshAlertmanager() {
        AlertmanagerSink alertmanager = sinks.stream().filter(AlertmanagerSink.class::isInstance)
                .map(AlertmanagerSink.class::cast).findFirst().orElse(null);
        if (alertmanager == null) {
            return;
        }
        journal.openOn(alertmanager.name()).forEach((deploy, alerts) -> {
            if (!owns(deploy.repository())) {
                return;
            }
            try {
                alertmanager.deliver(alertmanager.refresh(alerts.stream().map(Journal.OpenAlert::request).toList()));
                meters.refresh(true);
            } catch (DeliveryException e) {
                meters.refresh(false);
                LOG.warn("Re-sending the open alerts of {} to Alertmanager failed ({}); next try in {}",
                        deploy.deployId(), e.getMessage(), config.alerting().alertmanagerRefresh());
            }
        });
    }

    /** Whether this instance owns the verdicts partition of a repository (the verdict key). */
    private boolean owns(String repository) {
        if (repository == null) {
            return false;
        }
        int partition = Utils.toPositive(Utils.murmur2(repository.getBytes(StandardCharsets.UTF_8)))
                % verdictPartitions;
        return owned.contains(partition);
    }

    @Override
    public Readiness readiness() {
        if (kafkaHealth == null || !kafkaHealth.reachable()) {
            return Readiness.notReady("Kafka is not reachable");
        }
        if (thread == null || !thread.isAlive()) {
            return Readiness.notReady("the worker loop is not running");
        }
        if (blocked != null) {
            return Readiness.notReady("cannot use Kafka: " + blocked);
        }
        if (!loaded) {
            return Readiness.notReady("reading the action journal");
        }
        return Readiness.ready(assigned ? "consuming verdicts" : "waiting for partitions");
    }

    @Override
    public void close() {
        Set<Integer> writing = Set.copyOf(owned);
        running.set(false);
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(SHUTDOWN_GRACE.toMillis());
                if (thread.isAlive()) {
                    LOG.warn("The verdict in hand did not finish within {}; interrupting it (a restart finishes it)",
                            SHUTDOWN_GRACE);
                    thread.interrupt();
                    thread.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clientMetrics.forEach(KafkaClientMetrics::close);
        if (checkpointer != null) {
            // Every action this instance wrote is acknowledged now: vouch for them before going.
            checkpointer.shutdown(writing);
            checkpointer = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (kafkaHealth != null) {
            kafkaHealth.close();
        }
        if (meters != null) {
            meters.close();
        }
    }
}
