package dev.oversight.policy.topology;

import static dev.oversight.policy.topology.StoreKeys.SEP;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processor's clock work: when a deploy is to be looked at again (the end of its grace period, the deadline of
 * its break-glass review), kept in time order in the {@code due} store, and the sweep that keeps state bounded,
 * once a minute. Both run on the wall clock's punctuation.
 */
final class DeployTimers {

    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final KeyValueStore<String, String> due;
    private final StateSweeper sweeper;
    private Instant nextSweep = Instant.EPOCH;

    DeployTimers(KeyValueStore<String, String> due, StateSweeper sweeper) {
        this.due = due;
        this.sweeper = sweeper;
    }

    /** Looks at the deploy again at {@code at}. */
    void at(Instant at, String deployId) {
        due.put(StoreKeys.of(StoreKeys.time(at.toEpochMilli()), deployId), deployId);
    }

    /** The deploys due by {@code now}, each once (taken off the timer), in time order. */
    List<String> takeDue(Instant now) {
        List<KeyValue<String, String>> ready = new ArrayList<>();
        try (KeyValueIterator<String, String> it = due.range("", StoreKeys.time(now.toEpochMilli()) + SEP + '\uffff')) {
            it.forEachRemaining(ready::add);
        }
        List<String> ids = new ArrayList<>(ready.size());
        for (KeyValue<String, String> entry : ready) {
            due.delete(entry.key);
            ids.add(entry.value);
        }
        return ids;
    }

    /** Sweeps a slice of expired state, at most once a minute. */
    void sweepIfDue(Instant now) {
        if (!now.isBefore(nextSweep)) {
            sweeper.sweep(now);
            nextSweep = now.plus(SWEEP_EVERY);
        }
    }
}
