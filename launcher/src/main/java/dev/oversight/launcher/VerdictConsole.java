package dev.oversight.launcher;

import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.kafka.KafkaConnection;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints each final verdict of a protected environment on the console, one line each, as {@code oversight up}
 * runs: so a violation is seen where Oversight runs even when no alert sink is configured. Reads the verdicts topic
 * (committed records only) from its end when started, in no consumer group: it takes nothing from the worker.
 */
final class VerdictConsole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VerdictConsole.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final KafkaConsumer<String, Verdict> consumer;
    private final String topic;
    private final Policy policy;
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean running = true;

    private VerdictConsole(KafkaConnection kafka, Policy policy, PrintStream out) {
        Topic<String, Verdict> verdicts = kafka.topic(Topics.VERDICTS);
        Map<String, Object> props = kafka.common("oversight-console");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), verdicts.valueSerde().deserializer());
        this.topic = verdicts.name();
        this.policy = policy;
        this.out = out;
        this.thread = new Thread(this::run, "oversight-console");
        this.thread.setDaemon(true);
    }

    /** Starts printing the verdicts decided from now on. */
    static VerdictConsole start(KafkaConnection kafka, Policy policy, PrintStream out) {
        VerdictConsole console = new VerdictConsole(kafka, policy, out);
        List<TopicPartition> partitions = console.consumer.partitionsFor(console.topic, Duration.ofSeconds(30))
                .stream().map(p -> new TopicPartition(console.topic, p.partition())).toList();
        console.consumer.assign(partitions);
        console.consumer.seekToEnd(partitions);
        partitions.forEach(console.consumer::position);
        console.thread.start();
        return console;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, Verdict> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        line(record.value(), policy).ifPresent(line -> {
                            out.println(line);
                            out.flush();
                        });
                    }
                }
            }
        } catch (WakeupException e) {
            // Closing.
        } catch (RuntimeException e) {
            LOG.warn("The console stopped printing verdicts: {}", e.toString());
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    /**
     * The console's line for a verdict: a final verdict (not PENDING) of a protected environment, as
     * {@code 22:40:13  VIOLATION   payments/production  SELF_APPROVAL: change #42 was approved only by its author
     * carol  (deploy github:acme/payments/deployments/7, commit e106645)}. Whether the environment is protected is
     * the verdict's own decision; a verdict of schema 1, which has none, is asked of the policy.
     */
    static Optional<String> line(Verdict verdict, Policy policy) {
        boolean isProtected = verdict.decision() != null ? verdict.decision().isProtected()
                : policy.isProtected(verdict.environment());
        if (!isProtected || verdict.status() == null || !verdict.status().isFinal()) {
            return Optional.empty();
        }
        String reasons = verdict.reasons().stream().map(r -> r.code() + ": " + r.detail())
                .collect(Collectors.joining("; "));
        String sha = verdict.sha() == null ? "?" : verdict.sha().substring(0, Math.min(7, verdict.sha().length()));
        Instant when = verdict.decidedAt() == null ? Instant.now() : verdict.decidedAt();
        return Optional.of(String.format("%s  %-10s  %s/%s  %s(deploy %s, commit %s)", TIME.format(when),
                verdict.status(), verdict.service(), verdict.environment(), reasons.isEmpty() ? "" : reasons + "  ",
                verdict.deployId(), sha));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
