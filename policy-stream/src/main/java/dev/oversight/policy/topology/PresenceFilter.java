package dev.oversight.policy.topology;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A Bloom filter of the keys a store holds, so a lookup of a key that is surely absent (the first event of a
 * change, the first check on a commit) skips the store: RocksDB's Java binding answers "not found" by throwing and
 * catching a C++ exception, which showed up in profiles as a large part of such lookups. Built from the store's keys
 * when the task starts and kept up on every put; keys removed from the store stay in the filter, which only costs a
 * lookup. It never says "absent" for a present key, so it cannot change a result.
 */
final class PresenceFilter {

    private static final int BITS_PER_KEY = 10;
    private static final int HASHES = 7;
    private static final int MIN_KEYS = 1 << 16;

    private final KeyValueStore<String, ?> store;
    private long[] bits;
    private long capacity;
    private long added;

    PresenceFilter(KeyValueStore<String, ?> store) {
        this.store = store;
        rebuild(MIN_KEYS);
    }

    /** Whether the store may hold the key; false means it surely does not. */
    boolean mayContain(String key) {
        return probe(key, false);
    }

    /** Notes a key the caller puts into the store next (it need not be there yet; it must be by the next add). */
    void add(String key) {
        if (++added > capacity) {
            // The store grew past what the filter was sized for: size it anew from the store, then this key.
            rebuild(added * 2);
            added++;
        }
        set(key);
    }

    private void set(String key) {
        probe(key, true);
    }

    /** Visits the key's bits: sets them, or answers whether all are set. */
    private boolean probe(String key, boolean set) {
        long h = hash(key);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        long size = (long) bits.length * 64;
        for (int i = 1; i <= HASHES; i++) {
            long bit = ((h1 + (long) i * h2) & Long.MAX_VALUE) % size;
            if (set) {
                bits[(int) (bit >>> 6)] |= 1L << bit;
            } else if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    private void rebuild(long expected) {
        long count = 0;
        try (KeyValueIterator<String, ?> keys = store.all()) {
            while (keys.hasNext()) {
                keys.next();
                count++;
            }
        }
        capacity = Math.max(MIN_KEYS, Math.max(expected, count * 2));
        bits = new long[(int) Math.min(Integer.MAX_VALUE - 8, (capacity * BITS_PER_KEY + 63) / 64)];
        added = count;
        try (KeyValueIterator<String, ?> keys = store.all()) {
            keys.forEachRemaining(kv -> set(kv.key));
        }
    }

    /** 64-bit FNV-1a of the key's characters, mixed (no copy of the key: this runs for every piece of evidence). */
    private static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = key.length(); i < n; i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
