package dev.oversight.policy.topology;

import dev.oversight.events.kafka.JsonSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The state of policy-stream: one named store per kind of fact, all keyed by strings that start with the
 * repository where a prefix scan needs it. The names are part of the changelog topic names, so they never change.
 */
final class Stores {

    /** change id → {@link ChangeState} */
    static final String CHANGES = "changes";
    /** repository + sha → {@link CommitLink}: the change a commit landed (merge) or headed (open change) */
    static final String COMMITS = "commits";
    /** repository + sha → {@link CheckSet} */
    static final String CHECKS = "checks";
    /** repository + sha → {@link PushState}: the push that brought a branch to this sha */
    static final String PUSHES = "pushes";
    /** repository + artifact id → {@link ArtifactLink} */
    static final String ARTIFACTS = "artifacts";
    /** deploy id → {@link DeployState} */
    static final String DEPLOYS = "deploys";
    /** repository + deploy id → deploy id: deploys whose verdict later evidence may still move */
    static final String OPEN = "open-deploys";
    /** due time + deploy id → deploy id: grace periods and break-glass deadlines, in time order */
    static final String DUE = "due";
    /** repository + service + environment → {@link DeployHistory}: the latest successful deploys there */
    static final String LATEST = "latest-deploys";
    /** repository + service + environment + sha → {@link DeployedCommit}: every commit deployed there (the walk stops at them) */
    static final String DEPLOYED = "deployed-commits";
    /** service + environment → {@link dev.oversight.events.LastGood}: the newest compliant successful deploy */
    static final String LAST_GOOD = "last-good";

    /** chain id ({@code <verdicts topic>/<partition>}) → {@link dev.oversight.ledger.Ledger.Head}: the last verdict chained */
    static final String LEDGER = "ledger-heads";

    private Stores() {}

    /** Where the stores keep their data: RocksDB, as policy-stream does; the what-if replay may keep it in memory. */
    static final Function<String, KeyValueBytesStoreSupplier> ROCKSDB =
            org.apache.kafka.streams.state.Stores::persistentKeyValueStore;

    /** A store written once per key, mostly: no record cache (it would only cost). */
    static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Class<V> type,
                                                                 Function<String, KeyValueBytesStoreSupplier> storage) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(storage.apply(name), Serdes.String(),
                serde(type));
    }

    /**
     * A store whose entries are rewritten by several events in quick succession (a change opened, reviewed and
     * merged; a check queued, running and done): the record cache folds them into one changelog write per commit.
     */
    static <V> StoreBuilder<KeyValueStore<String, V>> persistentCached(String name, Class<V> type,
                                                                       Function<String, KeyValueBytesStoreSupplier> storage) {
        return persistent(name, type, storage).withCachingEnabled();
    }

    static StoreBuilder<KeyValueStore<String, String>> persistentIndex(String name,
                                                                       Function<String, KeyValueBytesStoreSupplier> storage) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(storage.apply(name), Serdes.String(),
                Serdes.String());
    }

    private static <V> Serde<V> serde(Class<V> type) {
        return JsonSerde.compact(type);
    }

    static <V> KeyValueStore<String, V> get(ProcessorContext<?, ?> context, String name) {
        return context.getStateStore(name);
    }

    /** An artifact built from a commit or a change (CDEvents artifact.packaged). */
    record ArtifactLink(String sha, String changeId, java.time.Instant at, java.time.Instant storedAt) {

        ArtifactLink(String sha, String changeId, java.time.Instant at) {
            this(sha, changeId, at, null);
        }
    }
}
