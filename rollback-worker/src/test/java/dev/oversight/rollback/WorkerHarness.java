package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A rollback-worker on the real test broker, with its own topic prefix and consumer group: write verdicts and
 * last-good records the way policy-stream does, read back what the worker recorded.
 */
final class WorkerHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    private final String prefix;
    private final Path dir;
    private final KafkaProducer<String, byte[]> producer;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RollbackWorker worker;

    WorkerHarness(String name, Path dir) {
        this.prefix = "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        this.dir = dir;
        KafkaConnection kafka = new KafkaConnection(RealKafka.bootstrapServers(), prefix, 3, 1, Map.of());
        TopicProvisioner.ensure(kafka, Duration.ofSeconds(60));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    String prefix() {
        return prefix;
    }

    SimpleMeterRegistry registry() {
        return registry;
    }

    /** The settings of a worker on this harness's topics with this policy, fast retries, and the extra values. */
    Map<String, String> settings(String policy, Map<String, String> extra) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "policy", ".yaml"), policy);
        Map<String, String> values = new HashMap<>();
        values.put("KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers());
        values.put("OVERSIGHT_TOPIC_PREFIX", prefix);
        values.put("OVERSIGHT_WORKER_GROUP_ID", prefix + "worker");
        values.put("OVERSIGHT_POLICY_FILE", file.toString());
        values.put("OVERSIGHT_HTTP_HOST", "127.0.0.1");
        values.put("OVERSIGHT_HTTP_PORT", "0");
        values.put("OVERSIGHT_WORKER_RETRY_BACKOFF", "50ms");
        values.put("OVERSIGHT_WORKER_RETRY_MAX_BACKOFF", "200ms");
        values.putAll(extra);
        return values;
    }

    RollbackWorker start(Map<String, String> settings) {
        WorkerConfig config = WorkerConfig.read(Settings.of(settings), null);
        worker = new RollbackWorker(config, Sinks.from(config, Clock.systemUTC()), registry, Clock.systemUTC());
        worker.start();
        return worker;
    }

    void stop() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    void verdict(Verdict verdict) throws Exception {
        send(Topics.VERDICTS.suffix(), verdict.repository(), verdict);
    }

    void lastGood(LastGood lastGood) throws Exception {
        send(Topics.LAST_GOOD.suffix(), LastGood.key(lastGood.service(), lastGood.environment()), lastGood);
    }

    /**
     * Writes a last good version deployed an hour ago ({@code deploy - 1}, commit {@code good}), then the violation of
     * {@code deploy} (commit {@code bad}) deployed now; returns the violation.
     */
    Verdict violationAfterGood(String repository, String service, String environment, long deploy, char good, char bad)
            throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lastGood(Fixtures.lastGood(repository, service, environment, deploy - 1, Fixtures.sha(good),
                now.minusSeconds(3600)));
        Verdict violation = Fixtures.violation(repository, service, environment, deploy, Fixtures.sha(bad), now);
        verdict(violation);
        return violation;
    }

    private void send(String suffix, String key, Object value) throws Exception {
        producer.send(new ProducerRecord<>(prefix + suffix, key, Json.toBytes(value))).get();
    }

    /** Waits until the actions recorded so far satisfy the condition; returns them all. */
    List<Action> awaitActions(Predicate<List<Action>> done) {
        try (TopicProbe<Action> probe = new TopicProbe<>(RealKafka.bootstrapServers(), prefix + "actions",
                Topics.ACTIONS.valueSerde().deserializer())) {
            return probe.await(done, WAIT);
        }
    }

    /** The actions on one deploy, once the condition holds for them. */
    List<Action> awaitActions(String deployId, Predicate<List<Action>> done) {
        return awaitActions(all -> done.test(of(all, deployId))).stream()
                .filter(a -> a.deployId().equals(deployId)).toList();
    }

    List<DeadLetter> awaitDeadLetters(Predicate<List<DeadLetter>> done) {
        try (TopicProbe<DeadLetter> probe = new TopicProbe<>(RealKafka.bootstrapServers(), prefix + "dlq",
                Topics.DLQ.valueSerde().deserializer())) {
            return probe.await(done, WAIT);
        }
    }

    static List<Action> of(List<Action> actions, String deployId) {
        return actions.stream().filter(a -> a.deployId().equals(deployId)).toList();
    }

    /** Whether the actions hold an outcome of this type on this target. */
    static boolean has(List<Action> actions, Action.ActionType type, String target) {
        return actions.stream().anyMatch(a -> a.type() == type && a.target().equals(target) && a.phase().isOutcome());
    }

    static Action outcome(List<Action> actions, Action.ActionType type, String target) {
        return actions.stream().filter(a -> a.type() == type && a.target().equals(target) && a.phase().isOutcome())
                .findFirst().orElseThrow(() -> new AssertionError("no outcome of " + type + " on " + target
                        + " among " + actions));
    }

    @Override
    public void close() {
        stop();
        producer.close(Duration.ofSeconds(5));
    }
}
