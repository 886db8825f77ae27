package dev.oversight.policy.topology;

import dev.oversight.events.Evidence;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ledger.Ledger;
import dev.oversight.policy.PolicyMeters;
import dev.oversight.policy.rules.Policy;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * policy-stream's topology, built in one method that reads top to bottom. Every node and store is named, so the
 * internal topic names (changelogs) stay the same from release to release.
 *
 * <pre>
 *  oversight.reviews ─┐
 *  oversight.ci ──────┼─► oversight-evidence (stores: changes, commits, checks, pushes, artifacts,
 *  oversight.deploys ─┘                        deploys, open-deploys, due, latest-deploys, deployed-commits,
 *                                              last-good, ledger-heads)
 *                              ├─► oversight.verdicts   (key: repository; partition: the task's, each verdict
 *                              │                         chained in its partition's ledger)
 *                              └─► oversight.last-good  (key: service/environment)
 * </pre>
 */
public final class OversightTopology {

    public static final String PROCESSOR = "oversight-evidence";

    private OversightTopology() {}

    /**
     * @param topics         names each catalogue topic with the deployment's prefix
     * @param retention      how long closed changes, pushes, checks and decided deploys are kept
     * @param punctuateEvery how often grace periods and deadlines are checked (wall clock)
     */
    public static Topology build(Function<Topic<String, ?>, String> topics, Policy policy, Duration retention,
                                 Duration punctuateEvery, PolicyMeters meters) {
        return build(topics, policy, retention, punctuateEvery, meters, Stores.ROCKSDB);
    }

    /**
     * The same topology with its stores kept elsewhere than in RocksDB (the what-if replay keeps them in memory:
     * its in-process driver commits after every record, and a RocksDB commit flushes every store to disk). The
     * stores' names, serdes, caching and the processor are the same.
     *
     * @param storage the store supplier of each store name, e.g. {@code org.apache.kafka.streams.state.Stores::inMemoryKeyValueStore}
     */
    public static Topology build(Function<Topic<String, ?>, String> topics, Policy policy, Duration retention,
                                 Duration punctuateEvery, PolicyMeters meters,
                                 Function<String, KeyValueBytesStoreSupplier> storage) {
        Topic<String, Evidence> reviews = Topics.REVIEWS;
        Topic<String, Verdict> verdicts = Topics.VERDICTS;
        Topic<String, LastGood> lastGood = Topics.LAST_GOOD;
        return new Topology()
                .addSource("reviews-source", reviews.keySerde().deserializer(), reviews.valueSerde().deserializer(),
                        topics.apply(Topics.REVIEWS))
                .addSource("ci-source", reviews.keySerde().deserializer(), reviews.valueSerde().deserializer(),
                        topics.apply(Topics.CI))
                .addSource("deploys-source", reviews.keySerde().deserializer(), reviews.valueSerde().deserializer(),
                        topics.apply(Topics.DEPLOYS))
                .addProcessor(PROCESSOR, () -> new EvidenceProcessor(policy, retention, punctuateEvery, meters,
                                topics.apply(Topics.VERDICTS)),
                        "reviews-source", "ci-source", "deploys-source")
                .addStateStore(Stores.persistentCached(Stores.CHANGES, ChangeState.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.COMMITS, CommitLink.class, storage), PROCESSOR)
                .addStateStore(Stores.persistentCached(Stores.CHECKS, CheckSet.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.PUSHES, PushState.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.ARTIFACTS, Stores.ArtifactLink.class, storage), PROCESSOR)
                .addStateStore(Stores.persistentCached(Stores.DEPLOYS, DeployState.class, storage), PROCESSOR)
                .addStateStore(Stores.persistentIndex(Stores.OPEN, storage), PROCESSOR)
                .addStateStore(Stores.persistentIndex(Stores.DUE, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.LATEST, DeployHistory.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.DEPLOYED, DeployedCommit.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.LAST_GOOD, LastGood.class, storage), PROCESSOR)
                .addStateStore(Stores.persistent(Stores.LEDGER, Ledger.Head.class, storage), PROCESSOR)
                .addSink(EvidenceProcessor.VERDICTS_SINK, topics.apply(Topics.VERDICTS),
                        verdicts.keySerde().serializer(), anyValue(verdicts.valueSerde().serializer()),
                        OversightTopology::chainPartition, PROCESSOR)
                .addSink(EvidenceProcessor.LAST_GOOD_SINK, topics.apply(Topics.LAST_GOOD),
                        lastGood.keySerde().serializer(), anyValue(lastGood.valueSerde().serializer()), PROCESSOR);
    }

    /**
     * A verdict goes to the partition of its chain, which is its task's partition: one task, and so one writer, per
     * verdicts partition, and the chain's head in that task's state. This asks the verdicts topic to have at least as
     * many partitions as the evidence topics (Oversight creates them all with OVERSIGHT_TOPIC_PARTITIONS).
     */
    static Optional<Set<Integer>> chainPartition(String topic, String key, Object value, int partitions) {
        int partition = Ledger.partitionOf(((Verdict) value).ledger().chain());
        if (partition >= partitions) {
            throw new IllegalStateException(topic + " has " + partitions + " partitions, fewer than the evidence topics"
                    + " (a verdict of partition " + partition + "): give it as many as they have");
        }
        return Optional.of(Set.of(partition));
    }

    /** The processor forwards Object; each sink gets only the type it writes. */
    @SuppressWarnings("unchecked")
    private static <V> Serializer<Object> anyValue(Serializer<V> serializer) {
        return (topic, value) -> serializer.serialize(topic, (V) value);
    }
}
