package dev.oversight.policy.topology;

import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.policy.rules.Assessment;
import dev.oversight.policy.rules.DeployFacts;
import dev.oversight.policy.rules.EffectivePolicy;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * How the records policy-stream writes are made: a verdict from a deploy, what the rules concluded and what is to
 * be done about it; a last-good record from a compliant deploy. Ids are deterministic ({@code <deployId>@<revision>}),
 * so re-processing writes the same records.
 */
final class VerdictRecords {

    private static final String SOURCE = "/oversight/policy-stream";

    private VerdictRecords() {}

    static Verdict verdict(DeployState deploy, Assessment assessment, EffectivePolicy effective,
                           Verdict.Decision decision, String team, List<String> evidence, Instant now) {
        return new Verdict(Verdict.SCHEMA, Verdict.verdictId(deploy.deployId, deploy.revision), deploy.revision,
                deploy.deployId, deploy.repository, deploy.service, deploy.environment, deploy.sha,
                deploy.previousSha, assessment.status(), assessment.reasons(), assessment.changes(),
                assessment.checks(), new Verdict.PolicyRef(effective.name(), effective.version()), now,
                deploy.deployedAt, deploy.deployer == null ? null : deploy.deployer.login(), team, deploy.url,
                assessment.deadline(), evidence, decision);
    }

    /**
     * What a verdict says beside its status — its commit, previous commit, changes with their approvers, checks —
     * as one string, to tell whether a verdict of the same status would say something else.
     */
    static String summary(Assessment assessment, DeployFacts facts) {
        return facts.sha() + " " + facts.previousSha() + " " + assessment.changes().stream()
                .map(c -> c.id() + "=" + c.approvers()).toList() + " " + assessment.checks().stream()
                .map(c -> c.name() + "=" + c.conclusion()).toList() + " " + assessment.reasons().stream()
                .map(r -> r.code().name()).toList();
    }

    /** Whether a verdict makes its deploy a rollback target: compliant, succeeded, never failed, commit known. */
    static boolean isGood(Verdict verdict, DeployState deploy) {
        return verdict.status() == VerdictStatus.COMPLIANT && deploy.succeeded && !deploy.failed && deploy.sha != null;
    }

    static LastGood lastGood(DeployState deploy) {
        return new LastGood(LastGood.SCHEMA, deploy.service, deploy.environment, deploy.repository, deploy.deployId,
                Verdict.verdictId(deploy.deployId, deploy.revision), deploy.sha, deploy.deployedAt);
    }

    static Record<String, Object> record(String key, Verdict verdict, Instant now) {
        return new Record<>(key, verdict, now.toEpochMilli(), CloudEventHeaders.write(new RecordHeaders(),
                verdict.verdictId(), "verdict.v1", SOURCE, now));
    }

    /** A last-good record, or its tombstone (null) when the service has no compliant deploy left there. */
    static Record<String, Object> record(String key, LastGood good, String verdictId, Instant now) {
        return new Record<>(key, good, now.toEpochMilli(), CloudEventHeaders.write(new RecordHeaders(), verdictId,
                "last-good.v1", SOURCE, now));
    }
}
