package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rollback to do: the violating deploy's verdict, the version to return to, and how.
 *
 * @param actionId   the idempotency key, passed to every executor that can take one
 * @param intendedAt when the intent was first recorded; a lookup accepts nothing started before it
 */
public record RollbackJob(String actionId, Verdict verdict, LastGood target, RollbackTarget settings,
                          Instant intendedAt) {

    /** The deploy environment the executor acts on: the one named in the settings, else the verdict's. */
    public String environment() {
        return settings instanceof RollbackTarget.GitHub g && g.environment() != null ? g.environment()
                : verdict.environment();
    }

    /** What every executor tells the deployer: which rollback, of what, to what (JSON names). */
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("idempotencyKey", actionId);
        facts.put("service", verdict.service());
        facts.put("environment", environment());
        facts.put("repository", verdict.repository());
        facts.put("rollbackOf", verdict.deployId());
        facts.put("verdictId", verdict.verdictId());
        facts.put("badSha", verdict.sha());
        facts.put("goodSha", target.sha());
        facts.put("goodDeployId", target.deployId());
        facts.put("goodVerdictId", target.verdictId());
        facts.put("reasons", verdict.reasons().stream().map(r -> r.code().name()).distinct().toList());
        return facts;
    }
}
