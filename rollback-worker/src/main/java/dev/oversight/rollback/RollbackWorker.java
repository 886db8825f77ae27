package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.rules.Policy;
import dev.oversight.rollback.alert.Alert;
import dev.oversight.rollback.alert.AlertSink;
import dev.oversight.runtime.ManagedService;
import dev.oversight.runtime.kafka.KafkaHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads verdicts and acts on them: for a VIOLATION in a protected environment whose policy action alerts, every
 * configured sink is alerted; a REMEDIATED verdict resolves the alert. Every action is recorded on
 * {@code oversight.actions}, and a verdict's offset is committed only after its actions are recorded.
 */
public final class RollbackWorker implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackWorker.class);

    private final WorkerConfig config;
    private final List<AlertSink> sinks;
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private KafkaConsumer<String, Verdict> consumer;
    private KafkaProducer<String, Action> producer;
    private KafkaHealth kafkaHealth;
    private Thread thread;
    private volatile boolean assigned;

    public RollbackWorker(WorkerConfig config, List<AlertSink> sinks, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.sinks = List.copyOf(sinks);
        this.registry = registry;
        this.clock = clock;
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
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), verdicts.valueSerde().deserializer());
        Map<String, Object> producerProps = config.kafka().common("oversight-rollback-worker-actions");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                Topics.ACTIONS.valueSerde().serializer());
        kafkaHealth = new KafkaHealth(config.kafka(), Duration.ofSeconds(2));
        thread = new Thread(() -> run(verdicts.name()), "oversight-rollback-worker");
        thread.start();
    }

    private void run(String topic) {
        consumer.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                assigned = true;
            }
        });
        try {
            while (running.get()) {
                ConsumerRecords<String, Verdict> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, Verdict> record : records) {
                    if (record.value() != null) {
                        handle(record.value());
                    }
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("rollback-worker stopped on an error; it resumes from its last committed verdict on restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Acts on one verdict and records each action before returning. */
    void handle(Verdict verdict) {
        Policy.EnvironmentPolicy environment = config.policy().environment(verdict.environment()).orElse(null);
        if (environment == null || !environment.isProtected()) {
            return;
        }
        boolean trigger = verdict.status() == VerdictStatus.VIOLATION;
        boolean resolve = verdict.status() == VerdictStatus.REMEDIATED;
        if (!(trigger || resolve) || !environment.action().alerts()) {
            return;
        }
        Action.ActionType type = trigger ? Action.ActionType.ALERT : Action.ActionType.RESOLVE;
        for (AlertSink sink : sinks) {
            Action.ActionPhase phase;
            String detail;
            try {
                detail = sink.send(new Alert(verdict, trigger));
                phase = Action.ActionPhase.SUCCEEDED;
            } catch (AlertSink.SinkException e) {
                detail = e.getMessage();
                phase = Action.ActionPhase.FAILED;
                LOG.warn("{} of {} to {} failed: {}", type, verdict.verdictId(), sink.name(), e.getMessage());
            }
            record(verdict, type, sink.name(), phase, environment.dryRun(), detail);
            Counter.builder(WorkerMeters.ALERTS).description("Alert deliveries, by sink and outcome")
                    .baseUnit("alerts")
                    .tag("sink", sink.name()).tag("type", type.name().toLowerCase(Locale.ROOT))
                    .tag("outcome", phase.name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
        Timer.builder(WorkerMeters.ACTION_LATENCY).description("Time from a verdict's decision to the action on it")
                .tag("action", type.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .register(registry).record(Duration.between(verdict.decidedAt(), Instant.now(clock)).abs());
    }

    private void record(Verdict verdict, Action.ActionType type, String target, Action.ActionPhase phase,
                        boolean dryRun, String detail) {
        Instant now = Instant.now(clock);
        Action action = new Action(Action.SCHEMA, Action.actionId(verdict.verdictId(), type, target),
                verdict.verdictId(), verdict.deployId(), verdict.repository(), verdict.service(), verdict.environment(),
                type, target, phase, dryRun, 1, detail, now);
        ProducerRecord<String, Action> record = new ProducerRecord<>(config.kafka().topic(Topics.ACTIONS).name(), null,
                verdict.verdictId(), action, CloudEventHeaders.write(new RecordHeaders(),
                action.actionId() + ":" + phase.name().toLowerCase(Locale.ROOT), "action.v1",
                "/oversight/rollback-worker", now));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording " + action.actionId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot record " + action.actionId() + " on oversight.actions", e.getCause());
        }
    }

    @Override
    public Readiness readiness() {
        if (kafkaHealth == null || !kafkaHealth.reachable()) {
            return Readiness.notReady("Kafka is not reachable");
        }
        if (thread == null || !thread.isAlive()) {
            return Readiness.notReady("the worker loop is not running");
        }
        return Readiness.ready(assigned ? "consuming verdicts" : "waiting for partitions");
    }

    @Override
    public void close() {
        running.set(false);
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (kafkaHealth != null) {
            kafkaHealth.close();
        }
    }
}
