package dev.oversight.policy.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The latest successful deploys of a service to an environment (store {@code latest-deploys}), in deploy time, so
 * the previous deploy of any deploy is known even when their events arrive out of order. Bounded.
 */
final class DeployHistory {

    static final int MAX_ENTRIES = 100;

    /** One deploy: its id, commit (null while only its artifact is known) and time. */
    record Entry(String deployId, String sha, Instant at, String artifactId) {

        Entry(String deployId, String sha, Instant at) {
            this(deployId, sha, at, null);
        }
    }

    public List<Entry> entries = new ArrayList<>();

    /** The latest deploy strictly before the given time (another deploy than the one asking). */
    Optional<Entry> before(Instant at, String deployId) {
        return entries.stream()
                .filter(e -> !e.deployId().equals(deployId) && e.at().isBefore(at))
                .max(Comparator.comparing(Entry::at));
    }

    void add(Entry entry) {
        entries.removeIf(e -> e.deployId().equals(entry.deployId()));
        entries.add(entry);
        entries.sort(Comparator.comparing(Entry::at));
        while (entries.size() > MAX_ENTRIES) {
            entries.remove(0);
        }
    }
}
