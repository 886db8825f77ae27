package dev.oversight.policy.topology;

import dev.oversight.events.DeadLetter;
import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.DeadLetterHandler;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.rules.Policy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology ({@link OversightTopology#build}) under {@link TopologyTestDriver}: evidence goes in with
 * explicit timestamps, the wall clock is advanced by hand for grace periods and deadlines.
 */
final class TopologyHarness implements AutoCloseable {

    final TopologyTestDriver driver;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestInputTopic<String, Evidence> reviews;
    private final TestInputTopic<String, Evidence> ci;
    private final TestInputTopic<String, Evidence> deploys;
    final TestInputTopic<String, byte[]> rawDeploys;
    private final TestOutputTopic<String, Verdict> verdicts;
    private final TestOutputTopic<String, LastGood> lastGood;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private Instant now;

    TopologyHarness(Policy policy, Instant start, Path stateDir) {
        this(policy, start, stateDir, Stores.ROCKSDB);
    }

    /** With the stores kept by {@code storage} (the what-if replay keeps them in memory). */
    TopologyHarness(Policy policy, Instant start, Path stateDir,
                    java.util.function.Function<String, org.apache.kafka.streams.state.KeyValueBytesStoreSupplier> storage) {
        PolicyMeters meters = new PolicyMeters(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        DeadLetterHandler.install(props, Topics.DLQ.name(), meters);
        driver = new TopologyTestDriver(OversightTopology.build(Topic::name, policy, Duration.ofDays(30),
                Duration.ofSeconds(1), meters, storage), props, start);
        now = start;
        reviews = input(Topics.REVIEWS);
        ci = input(Topics.CI);
        deploys = input(Topics.DEPLOYS);
        rawDeploys = driver.createInputTopic(Topics.DEPLOYS.name(), new StringSerializer(), new ByteArraySerializer());
        verdicts = driver.createOutputTopic(Topics.VERDICTS.name(), new StringDeserializer(),
                Topics.VERDICTS.valueSerde().deserializer());
        lastGood = driver.createOutputTopic(Topics.LAST_GOOD.name(), new StringDeserializer(),
                Topics.LAST_GOOD.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DLQ.name(), new StringDeserializer(),
                Topics.DLQ.valueSerde().deserializer());
    }

    private TestInputTopic<String, Evidence> input(Topic<String, Evidence> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde().serializer());
    }

    /** Sends evidence to the topic of its kind, at its own time; the wall clock follows (never backwards). */
    TopologyHarness send(Evidence... evidence) {
        for (Evidence e : evidence) {
            if (e.occurredAt().isAfter(now)) {
                advanceTo(e.occurredAt());
            }
            TestInputTopic<String, Evidence> topic = Topics.forEvidence(e) == Topics.REVIEWS ? reviews
                    : Topics.forEvidence(e) == Topics.CI ? ci : deploys;
            topic.pipeInput(e.repository(), e, e.occurredAt());
        }
        return this;
    }

    /** Moves the wall clock forward, firing punctuations on the way. */
    TopologyHarness advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
        return this;
    }

    TopologyHarness advanceTo(Instant instant) {
        if (instant.isAfter(now)) {
            advance(Duration.between(now, instant));
        }
        return this;
    }

    Instant now() {
        return now;
    }

    List<Verdict> verdicts() {
        return verdicts.readValuesToList();
    }

    /**
     * The last-good records written, in order; a tombstone (the service has no compliant deploy there any more) is
     * shown as a record of that service and environment with no deploy.
     */
    List<LastGood> lastGood() {
        return lastGood.readKeyValuesToList().stream().map(kv -> kv.value != null ? kv.value
                : new LastGood(LastGood.SCHEMA, kv.key.substring(0, kv.key.lastIndexOf('/')),
                        kv.key.substring(kv.key.lastIndexOf('/') + 1), null, null, null, null, null)).toList();
    }

    List<DeadLetter> deadLetters() {
        return deadLetters.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
