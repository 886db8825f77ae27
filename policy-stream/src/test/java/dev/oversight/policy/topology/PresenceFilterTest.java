package dev.oversight.policy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class PresenceFilterTest {

    private static KeyValueStore<String, String> store() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new org.apache.kafka.streams.processor.api.MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    @Test
    void neverSaysAbsentForAKeyTheStoreHoldsOrThatWasAdded() {
        KeyValueStore<String, String> store = store();
        for (int i = 0; i < 5_000; i++) {
            store.put("present-" + i, "v");
        }
        PresenceFilter filter = new PresenceFilter(store);
        for (int i = 0; i < 200_000; i++) {
            // As the processor does: note the key, then put it. The filter outgrows its first size on the way and
            // is rebuilt from the store, keeping everything.
            filter.add("added-" + i);
            store.put("added-" + i, "v");
        }
        for (int i = 0; i < 5_000; i++) {
            assertThat(filter.mayContain("present-" + i)).isTrue();
        }
        int missing = 0;
        for (int i = 0; i < 200_000; i++) {
            if (!filter.mayContain("added-" + i)) {
                missing++;
            }
        }
        assertThat(missing).as("added keys the filter forgot").isZero();
    }

    @Test
    void saysAbsentForMostKeysNeverSeen() {
        PresenceFilter filter = new PresenceFilter(store());
        for (int i = 0; i < 50_000; i++) {
            filter.add("key-" + i);
        }
        long falsePositives = java.util.stream.IntStream.range(0, 100_000)
                .filter(i -> filter.mayContain("other-" + i)).count();
        assertThat(falsePositives).as("false positives out of 100,000").isLessThan(3_000);
    }
}
