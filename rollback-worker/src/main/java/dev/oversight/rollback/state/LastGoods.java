package dev.oversight.rollback.state;

import dev.oversight.events.LastGood;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The compacted {@code oversight.last-good}, all partitions: the rollback target per service and environment. */
public final class LastGoods {

    private final Map<String, LastGood> byKey = new HashMap<>();

    /** Takes in one record; a tombstone (null) forgets the key. */
    public synchronized void apply(String key, LastGood value) {
        if (value == null) {
            byKey.remove(key);
        } else {
            byKey.put(key, value);
        }
    }

    public synchronized Optional<LastGood> of(String service, String environment) {
        return Optional.ofNullable(byKey.get(LastGood.key(service, environment)));
    }
}
