package dev.oversight.policy.topology;

import dev.oversight.events.VerdictStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps state bounded: walks each store a slice at a time (a minute's sweep looks at up to {@link #BATCH} entries
 * per store, resuming where the last one stopped) and drops what has expired. No index of expiry times is kept, so
 * the hot path writes nothing for it.
 *
 * <p>When evidence expires (the rule, in policy-stream/README.md "State"): its retention counts from when Oversight
 * stored it ({@code storedAt}, the stream's time of its last write), not from the time the event itself carries —
 * history imported today, or evidence delivered late, is kept as long as evidence that just happened. And evidence
 * of a repository is kept while a deploy of that repository that arrived within the retention after it is still open
 * (PENDING, provisionally COMPLIANT, an EXCEPTION, a VIOLATION open to remediation): the cutoff of a repository is
 * the retention before the earlier of now and the arrival of its oldest open deploy. So no verdict changes because
 * its evidence was swept while it could still change. Entries stored before {@code storedAt} was recorded count
 * from their own time, as they did.
 */
final class StateSweeper {

    static final int BATCH = 10_000;
    /** An open change nobody has touched for this many retention periods is dropped too. */
    static final int IDLE_OPEN_CHANGE_FACTOR = 4;

    private final Duration retention;
    private final List<Sweep<?>> sweeps = new ArrayList<>();
    private Supplier<Map<String, Instant>> oldestOpen = Map::of;

    /** One store and when one of its entries may go. */
    private static final class Sweep<V> {
        final KeyValueStore<String, V> store;
        final BiFunction<String, V, String> repository;
        final BiPredicate<V, Instant> expired;
        final java.util.function.BiConsumer<String, V> onDelete;
        String cursor;

        Sweep(KeyValueStore<String, V> store, BiFunction<String, V, String> repository, BiPredicate<V, Instant> expired,
              java.util.function.BiConsumer<String, V> onDelete) {
            this.store = store;
            this.repository = repository;
            this.expired = expired;
            this.onDelete = onDelete;
        }

        int run(Function<String, Instant> cutoffOf) {
            List<KeyValue<String, V>> dead = new ArrayList<>();
            int seen = 0;
            String last = null;
            try (KeyValueIterator<String, V> it = cursor == null ? store.all() : store.range(cursor, null)) {
                while (it.hasNext() && seen < BATCH) {
                    KeyValue<String, V> entry = it.next();
                    seen++;
                    last = entry.key;
                    if (entry.value != null
                            && expired.test(entry.value, cutoffOf.apply(repository.apply(entry.key, entry.value)))) {
                        dead.add(entry);
                    }
                }
                // Resume after the last key next time; start over when the store was walked to its end.
                cursor = it.hasNext() ? last + '\u0000' : null;
            }
            for (KeyValue<String, V> entry : dead) {
                store.delete(entry.key);
                onDelete.accept(entry.key, entry.value);
            }
            return dead.size();
        }
    }

    StateSweeper(Duration retention) {
        this.retention = retention;
    }

    /** Where the arrival of each repository's oldest open deploy is read, at the start of each sweep. */
    StateSweeper openDeploys(Supplier<Map<String, Instant>> oldestOpenByRepository) {
        this.oldestOpen = oldestOpenByRepository;
        return this;
    }

    /** A store of evidence keyed repository + …: its entries' cutoff is their repository's. */
    <V> StateSweeper add(KeyValueStore<String, V> store, BiPredicate<V, Instant> expired) {
        return add(store, (key, value) -> StoreKeys.repositoryOf(key), expired, (k, v) -> { });
    }

    /**
     * @param repository the repository an entry is evidence of (its cutoff is that repository's); null: the plain
     *                   cutoff, the retention before now
     */
    <V> StateSweeper add(KeyValueStore<String, V> store, BiFunction<String, V, String> repository,
                         BiPredicate<V, Instant> expired, java.util.function.BiConsumer<String, V> onDelete) {
        sweeps.add(new Sweep<>(store, repository, expired, onDelete));
        return this;
    }

    /** Drops a slice of what has expired in every store; returns how many entries went. */
    int sweep(Instant now) {
        Map<String, Instant> open = oldestOpen.get();
        Instant plain = now.minus(retention);
        Function<String, Instant> cutoffOf = repository -> {
            Instant oldest = repository == null ? null : open.get(repository);
            return oldest == null || !oldest.isBefore(now) ? plain : oldest.minus(retention);
        };
        int dropped = 0;
        for (Sweep<?> sweep : sweeps) {
            dropped += sweep.run(cutoffOf);
        }
        return dropped;
    }

    static boolean before(Instant time, Instant cutoff) {
        return time != null && time.isBefore(cutoff);
    }

    /** Evidence whose retention has passed: counted from when it was stored, or (stored before that was kept) its own time. */
    static boolean stored(Instant storedAt, Instant ownTime, Instant cutoff) {
        return before(storedAt != null ? storedAt : ownTime, cutoff);
    }

    /** A closed change after the retention; an open one after several retentions without news. */
    static boolean changeExpired(ChangeState change, Instant cutoff, Duration retention) {
        if (change.storedAt != null) {
            return change.closed ? before(change.storedAt, cutoff)
                    : before(change.storedAt, cutoff.minus(retention.multipliedBy(IDLE_OPEN_CHANGE_FACTOR - 1L)));
        }
        if (change.closed) {
            return before(change.closedAt != null ? change.closedAt : change.lastSeen, cutoff);
        }
        return before(change.lastSeen, cutoff.minus(retention.multipliedBy(IDLE_OPEN_CHANGE_FACTOR - 1L)));
    }

    /** A deploy whose verdict nothing can move any more (or that was never judged) after the retention. */
    static boolean deployExpired(DeployState deploy, Instant cutoff) {
        boolean settled = deploy.status == null || deploy.status == VerdictStatus.COMPLIANT
                || deploy.status == VerdictStatus.REMEDIATED || deploy.status == VerdictStatus.VIOLATION;
        Instant last = deploy.decidedAt != null ? deploy.decidedAt : deploy.receivedAt;
        return settled && before(last, cutoff);
    }

    /** Counts per repository, for stores keyed repository + …: how many entries each has. */
    static Map<String, Integer> countByRepository(KeyValueStore<String, String> store) {
        Map<String, Integer> counts = new HashMap<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(kv -> counts.merge(StoreKeys.repositoryOf(kv.key), 1, Integer::sum));
        }
        return counts;
    }
}
