package dev.oversight.rollback.state;

import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The recent deploys of every service to every environment, from the verdicts of <em>all</em> partitions (verdicts
 * are keyed by repository, so the verdicts this instance acts on are not all there are): the latest deploy per
 * service and environment, to know whether a newer one replaced a violating deploy, and the latest status of each
 * deploy, to know that a last good version is still compliant. Policy-stream emits a verdict (PENDING or final) for
 * every successful deploy to a protected environment as it arrives, so a newer deploy is seen long before the grace
 * period of the older one ends.
 */
public final class DeployWatch {

    /** A deploy as its verdicts describe it. */
    public record Deploy(String deployId, String sha, Instant deployedAt) {}

    private final Map<String, Deploy> latest = new HashMap<>();
    private final Map<String, Verdict> lastVerdict = new HashMap<>();

    public synchronized void apply(Verdict verdict) {
        if (verdict == null || verdict.service() == null || verdict.environment() == null
                || verdict.deployedAt() == null) {
            return;
        }
        String key = LastGood.key(verdict.service(), verdict.environment());
        Deploy seen = latest.get(key);
        if (seen == null || verdict.deployedAt().isAfter(seen.deployedAt())) {
            latest.put(key, new Deploy(verdict.deployId(), verdict.sha(), verdict.deployedAt()));
        }
        lastVerdict.merge(verdict.deployId(), verdict, (a, b) -> a.revision() >= b.revision() ? a : b);
    }

    /** A deploy of the same service to the same environment after the given verdict's deploy, if one was seen. */
    public synchronized Optional<Deploy> newerThan(Verdict verdict) {
        Deploy seen = latest.get(LastGood.key(verdict.service(), verdict.environment()));
        if (seen == null || seen.deployId().equals(verdict.deployId()) || verdict.deployedAt() == null
                || !seen.deployedAt().isAfter(verdict.deployedAt())) {
            return Optional.empty();
        }
        return Optional.of(seen);
    }

    /** Forgets deploys from before {@code horizon}: older ones are never rolled back, nor replaced in time to matter. */
    public synchronized void forgetBefore(Instant horizon) {
        lastVerdict.values().removeIf(v -> v.deployedAt().isBefore(horizon));
        latest.values().removeIf(d -> d.deployedAt().isBefore(horizon));
    }

    /** The latest status seen for a deploy, if any of its verdicts was seen. */
    public synchronized Optional<VerdictStatus> status(String deployId) {
        return Optional.ofNullable(lastVerdict.get(deployId)).map(Verdict::status);
    }
}
