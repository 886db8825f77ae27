package dev.oversight.policy.topology;

import dev.oversight.events.CiResult;
import dev.oversight.policy.rules.DeployFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest report of every check on one commit (store {@code checks}, key: repository + sha). A later attempt
 * wins; within an attempt, a later time wins, and at the same time the later delivery wins (a re-run reported
 * with the timestamps of the run it replaces).
 */
final class CheckSet {

    static final int MAX_CHECKS = 500;

    public Map<String, StoredCheck> checks = new LinkedHashMap<>();
    public List<String> evidence = new ArrayList<>();
    public Instant lastSeen;
    /** When Oversight last stored it (stream time): what its retention counts from. Null on entries stored before. */
    public Instant storedAt;

    /** One check's latest report. */
    public record StoredCheck(String name, CiResult.CiSystem system, String runId, int attempt,
                              CiResult.CiStatus status, CiResult.CiConclusion conclusion, Instant at, String url,
                              String deliveryId) {}

    void apply(CiResult e) {
        StoredCheck current = checks.get(e.name());
        StoredCheck next = new StoredCheck(e.name(), e.system(), e.runId(), e.attempt(), e.status(), e.conclusion(),
                e.occurredAt(), e.url(), e.deliveryId());
        if (current == null ? checks.size() < MAX_CHECKS : replaces(next, current)) {
            checks.put(e.name(), next);
        }
        if (e.deliveryId() != null && !evidence.contains(e.deliveryId()) && evidence.size() < ChangeState.MAX_EVIDENCE) {
            evidence.add(e.deliveryId());
        }
        lastSeen = lastSeen == null || e.occurredAt().isAfter(lastSeen) ? e.occurredAt() : lastSeen;
    }

    static boolean replaces(StoredCheck next, StoredCheck current) {
        boolean sameRun = next.runId() != null && next.runId().equals(current.runId());
        if (sameRun || next.system() == current.system()) {
            if (next.attempt() != current.attempt()) {
                return next.attempt() > current.attempt();
            }
        }
        // A run that completed is not overtaken by an older, unfinished report of the same run.
        if (sameRun && current.status() == CiResult.CiStatus.COMPLETED && next.status() != CiResult.CiStatus.COMPLETED
                && (next.at() == null || current.at() == null || !next.at().isAfter(current.at()))) {
            return false;
        }
        return next.at() == null || current.at() == null || !next.at().isBefore(current.at());
    }

    List<DeployFacts.CheckFacts> toFacts() {
        return checks.values().stream()
                .map(c -> new DeployFacts.CheckFacts(c.name(), c.system(), c.status(), c.conclusion(), c.attempt(),
                        c.at(), c.url()))
                .toList();
    }
}
