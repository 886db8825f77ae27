package dev.oversight.ingest.dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The delivery ids this ingest knows were committed, so that a repeated delivery is answered "duplicate" instead of
 * being written again. Bounded: an id is forgotten after the window, or earlier when more than the maximum number
 * are remembered (oldest first).
 *
 * <p>A delivery being written holds its key "in flight" until its transaction ends: an identical delivery arriving
 * meanwhile waits for that outcome ({@link Claim.Busy}) instead of being written a second time, and becomes a
 * duplicate if the first was committed, or takes its turn if it was not. Keys come in from two places: this
 * instance's own commits ({@link #committed}) and the receipts every instance writes to
 * {@code oversight.ingest-dedup} ({@link #remember}, fed by {@link ReceiptFollower}). See DESIGN-NOTES.md.
 */
public final class DeliveryLedger {

    /** The outcome of {@link #claim}. */
    public sealed interface Claim permits Claim.Owned, Claim.Busy {

        /**
         * The caller now holds {@code fresh} (to write, then {@link #committed} or {@link #released}); the
         * {@code duplicates} were committed before.
         */
        record Owned(List<String> fresh, List<String> duplicates, CompletableFuture<Void> settled) implements Claim {}

        /** Another request is writing one of the keys; ask again once {@code settled} completes. */
        record Busy(CompletableFuture<Void> settled) implements Claim {}
    }

    private final Duration window;
    private final int maxEntries;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new HashMap<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();

    /** @param clock milliseconds since the epoch */
    public DeliveryLedger(Duration window, int maxEntries, LongSupplier clock) {
        this.window = window;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** Completes once the receipts of the window have been read at start: before that no claim is reliable. */
    public CompletableFuture<Void> loaded() {
        return loaded.copy();
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    void markLoaded() {
        loaded.complete(null);
    }

    /** Claims keys for writing: which are new, which were committed before, or that another request holds one. */
    public synchronized Claim claim(List<String> keys) {
        for (String key : keys) {
            CompletableFuture<Void> settled = inFlight.get(key);
            if (settled != null) {
                return new Claim.Busy(settled);
            }
        }
        evict();
        List<String> fresh = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        Set<String> inThisClaim = new HashSet<>();
        for (String key : keys) {
            if (seen.containsKey(key) || !inThisClaim.add(key)) {
                duplicates.add(key);
            } else {
                fresh.add(key);
            }
        }
        CompletableFuture<Void> settled = new CompletableFuture<>();
        fresh.forEach(key -> inFlight.put(key, settled));
        return new Claim.Owned(List.copyOf(fresh), List.copyOf(duplicates), settled);
    }

    /** The owner's keys were committed: they are duplicates from now on. */
    public void committed(Claim.Owned claim) {
        synchronized (this) {
            long now = clock.getAsLong();
            for (String key : claim.fresh()) {
                inFlight.remove(key);
                seen.put(key, now);
            }
            evict();
        }
        claim.settled().complete(null);
    }

    /** The owner's keys were not written: the next delivery with one of them is written. */
    public void released(Claim.Owned claim) {
        synchronized (this) {
            claim.fresh().forEach(inFlight::remove);
        }
        claim.settled().complete(null);
    }

    /** A receipt read from the dedup topic (this instance's or another's). */
    public synchronized void remember(String key, long acceptedAtMillis) {
        if (acceptedAtMillis >= clock.getAsLong() - window.toMillis() && !seen.containsKey(key)) {
            seen.put(key, acceptedAtMillis);
            evict();
        }
    }

    public synchronized boolean contains(String key) {
        evict();
        return seen.containsKey(key);
    }

    public synchronized int size() {
        return seen.size();
    }

    /** Forgets the oldest keys: those beyond the window, and any over the maximum. */
    private void evict() {
        long oldest = clock.getAsLong() - window.toMillis();
        Iterator<Map.Entry<String, Long>> entries = seen.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Long> entry = entries.next();
            if (seen.size() > maxEntries || entry.getValue() < oldest) {
                entries.remove();
            } else {
                break;
            }
        }
    }
}
