package dev.oversight.policy.topology;

import dev.oversight.events.VerdictStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps state bounded: walks each store a slice at a time (a minute's sweep looks at up to {@link #BATCH} entries
 * per store, resuming where the last one stopped) and drops what is older than the retention by the entry's own
 * time. No index of expiry times is kept, so the hot path writes nothing for it.
 */
final class StateSweeper {

    static final int BATCH = 10_000;
    /** An open change nobody has touched for this many retention periods is dropped too. */
    static final int IDLE_OPEN_CHANGE_FACTOR = 4;

    private final Duration retention;
    private final List<Sweep<?>> sweeps = new ArrayList<>();

    /** One store and when one of its entries may go. */
    private static final class Sweep<V> {
        final KeyValueStore<String, V> store;
        final BiPredicate<V, Instant> expired;
        final java.util.function.BiConsumer<String, V> onDelete;
        String cursor;

        Sweep(KeyValueStore<String, V> store, BiPredicate<V, Instant> expired,
              java.util.function.BiConsumer<String, V> onDelete) {
            this.store = store;
            this.expired = expired;
            this.onDelete = onDelete;
        }

        int run(Instant cutoff) {
            List<KeyValue<String, V>> dead = new ArrayList<>();
            int seen = 0;
            String last = null;
            try (KeyValueIterator<String, V> it = cursor == null ? store.all() : store.range(cursor, null)) {
                while (it.hasNext() && seen < BATCH) {
                    KeyValue<String, V> entry = it.next();
                    seen++;
                    last = entry.key;
                    if (entry.value != null && expired.test(entry.value, cutoff)) {
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

    <V> StateSweeper add(KeyValueStore<String, V> store, BiPredicate<V, Instant> expired) {
        return add(store, expired, (k, v) -> { });
    }

    <V> StateSweeper add(KeyValueStore<String, V> store, BiPredicate<V, Instant> expired,
                         java.util.function.BiConsumer<String, V> onDelete) {
        sweeps.add(new Sweep<>(store, expired, onDelete));
        return this;
    }

    /** Drops a slice of what has expired in every store; returns how many entries went. */
    int sweep(Instant now) {
        Instant cutoff = now.minus(retention);
        int dropped = 0;
        for (Sweep<?> sweep : sweeps) {
            dropped += sweep.run(cutoff);
        }
        return dropped;
    }

    static boolean before(Instant time, Instant cutoff) {
        return time != null && time.isBefore(cutoff);
    }

    /** A closed change after the retention; an open one after several retentions without news. */
    static boolean changeExpired(ChangeState change, Instant cutoff, Duration retention) {
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
            it.forEachRemaining(kv -> counts.merge(kv.key.substring(0, kv.key.indexOf(StoreKeys.SEP)), 1, Integer::sum));
        }
        return counts;
    }
}
