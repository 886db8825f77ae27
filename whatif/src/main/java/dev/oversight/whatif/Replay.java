package dev.oversight.whatif;

import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.policy.DeadLetterHandler;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.rules.Policy;
import dev.oversight.policy.topology.OversightTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * policy-stream's production topology ({@link OversightTopology#build}) with another policy, driven in this process by
 * Kafka Streams' {@link TopologyTestDriver}: no broker, no group, no changelog, no transaction; what it would write
 * stays in memory and is read back here. Its stores are in memory too (the driver commits after every record, and a
 * commit flushes RocksDB stores to disk).
 *
 * <p>Time: the topology decides by the wall clock (grace periods and break-glass deadlines are wall-clock
 * punctuations, and a deploy's grace starts when it is read). The driver's clock is moved to each record's timestamp
 * before the record goes in — the time ingest wrote it, which is when policy-stream read it, up to its lag — so every
 * grace and deadline falls where it fell live; at the end, to the time the run started.
 */
final class Replay implements AutoCloseable {

    /** How often the production service checks grace periods (PolicyStreamConfig's default). */
    private static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);
    /** Outputs are taken from the driver this often, so they never pile up in it. */
    private static final int DRAIN_EVERY = 1_000;

    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final TestOutputTopic<String, Verdict> verdicts;
    private final TestOutputTopic<String, byte[]> lastGood;
    private final TestOutputTopic<String, byte[]> deadLetters;
    private final String deploysTopic;
    private final String verdictsTopic;
    private final String lastGoodTopic;
    private final String deadLettersTopic;
    private final Deserializer<Evidence> evidence = Topics.DEPLOYS.valueSerde().deserializer();
    private final Outcome.Collector outcomes = new Outcome.Collector();
    private final Set<String> deploys = new HashSet<>();
    private Instant clock;
    private long records;
    private long failed;

    /**
     * @param topics    the deployment's topic names (its prefix)
     * @param retention policy-stream's state retention (OVERSIGHT_STATE_RETENTION)
     * @param start     where the clock starts: the time of the first record to come, or before it
     */
    Replay(Function<Topic<String, ?>, String> topics, Policy policy, Duration retention, Instant start) {
        try {
            stateDir = Files.createTempDirectory("oversight-whatif-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary state directory", e);
        }
        PolicyMeters meters = new PolicyMeters(new SimpleMeterRegistry());
        String dlq = topics.apply(Topics.DLQ);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oversight-whatif");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "in-process:0");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        DeadLetterHandler.install(props, dlq, meters);
        // The driver commits after every record, flushing the record caches each time: here they would only cost.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // In memory: the driver commits after every record, and a commit of RocksDB stores flushes them to disk.
        driver = new TopologyTestDriver(OversightTopology.build(topics, policy, retention, PUNCTUATE_EVERY, meters,
                org.apache.kafka.streams.state.Stores::inMemoryKeyValueStore), props, start);
        clock = start;
        for (Topic<String, ?> topic : java.util.List.of(Topics.REVIEWS, Topics.CI, Topics.DEPLOYS)) {
            String name = topics.apply(topic);
            inputs.put(name, driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer()));
        }
        deploysTopic = topics.apply(Topics.DEPLOYS);
        verdictsTopic = topics.apply(Topics.VERDICTS);
        lastGoodTopic = topics.apply(Topics.LAST_GOOD);
        deadLettersTopic = dlq;
        verdicts = driver.createOutputTopic(topics.apply(Topics.VERDICTS), new StringDeserializer(),
                Topics.VERDICTS.valueSerde().deserializer());
        lastGood = driver.createOutputTopic(topics.apply(Topics.LAST_GOOD), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(dlq, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    /** One evidence record, at its own time. */
    void accept(History.Stored record) {
        TestInputTopic<byte[], byte[]> input = inputs.get(record.topic());
        if (input == null) {
            return;
        }
        advanceTo(Instant.ofEpochMilli(record.timestamp()));
        if (record.topic().equals(deploysTopic)) {
            noteDeploy(record.value());
        }
        input.pipeInput(new TestRecord<>(record.key(), record.value(), null, clock));
        if (++records % DRAIN_EVERY == 0) {
            drain();
        }
    }

    private void noteDeploy(byte[] value) {
        try {
            if (evidence.deserialize(deploysTopic, value) instanceof DeployEvent d && d.deployId() != null) {
                deploys.add(d.deployId());
            }
        } catch (RuntimeException e) {
            // Unreadable: the topology sends it to its dead letters, counted there.
        }
    }

    /** Moves the clock forward (never back), firing the grace periods and deadlines due on the way. */
    void advanceTo(Instant instant) {
        if (instant.isAfter(clock)) {
            driver.advanceWallClockTime(Duration.between(clock, instant));
            clock = instant;
        }
    }

    private void drain() {
        Set<String> produced = driver.producedTopicNames();
        while (produced.contains(verdictsTopic) && !verdicts.isEmpty()) {
            outcomes.add(verdicts.readValue());
        }
        while (produced.contains(lastGoodTopic) && !lastGood.isEmpty()) {
            lastGood.readRecord();
        }
        while (produced.contains(deadLettersTopic) && !deadLetters.isEmpty()) {
            deadLetters.readRecord();
            failed++;
        }
    }

    /** What the replay decided, deploy by deploy, once the clock stands at {@code end}. */
    Map<String, Outcome> finish(Instant end) {
        advanceTo(end);
        drain();
        return outcomes.outcomes();
    }

    /** The deploys whose events the replay read. */
    Set<String> deploys() {
        return deploys;
    }

    long records() {
        return records;
    }

    /** Records the topology could not read or process (policy-stream would have sent them to its dead letters). */
    long failed() {
        return failed;
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temporary directory left behind is not worth failing the run for.
            }
        }
    }
}
