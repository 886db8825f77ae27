package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.events.LastGood;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Verdicts, last-good records and actions as policy-stream and the worker write them, for tests. */
public final class Fixtures {

    private Fixtures() {}

    public static String sha(char c) {
        return String.valueOf(c).repeat(40);
    }

    /** A VIOLATION (self-approval) of {@code deploy} of payments from acme/payments, deployed at {@code at}. */
    public static Verdict violation(String repository, String service, String environment, long deploy, String sha,
                                    Instant at) {
        String deployId = repository + "/deployments/" + deploy;
        return new Verdict(Verdict.SCHEMA, Verdict.verdictId(deployId, 2), 2, deployId, repository, service,
                environment, sha, sha('0'), VerdictStatus.VIOLATION,
                List.of(new Verdict.Reason(ReasonCode.SELF_APPROVAL, "change #42 was approved only by its author carol")),
                List.of(new Verdict.ChangeSummary(repository + "#42", "Skip the audit log",
                        "https://github.com/acme/payments/pull/42", "carol", List.of(), sha, sha)),
                List.of(new Verdict.CheckSummary("build", "success", sha, null)),
                new Verdict.PolicyRef("acme", "sha256:00"), at.plusSeconds(60), at, "carol", "payments-team",
                "https://github.com/acme/payments/deployments/" + deploy, null, List.of("delivery-1"));
    }

    /** The same deploy, later: {@code status} at revision {@code revision}. */
    public static Verdict next(Verdict verdict, VerdictStatus status, int revision, List<Verdict.Reason> reasons) {
        return new Verdict(Verdict.SCHEMA, Verdict.verdictId(verdict.deployId(), revision), revision,
                verdict.deployId(), verdict.repository(), verdict.service(), verdict.environment(), verdict.sha(),
                verdict.previousSha(), status, reasons, verdict.changes(), verdict.ci(), verdict.policy(),
                verdict.decidedAt().plusSeconds(600), verdict.deployedAt(), verdict.deployer(), verdict.team(),
                verdict.url(), verdict.deadline(), verdict.evidence());
    }

    /** A deploy's first verdict (PENDING), as policy-stream emits it when the deploy arrives. */
    public static Verdict pending(String repository, String service, String environment, long deploy, String sha,
                                  Instant at) {
        Verdict v = violation(repository, service, environment, deploy, sha, at);
        return new Verdict(Verdict.SCHEMA, Verdict.verdictId(v.deployId(), 1), 1, v.deployId(), repository, service,
                environment, sha, v.previousSha(), VerdictStatus.PENDING, List.of(), v.changes(), v.ci(), v.policy(),
                at, at, "dave", v.team(), v.url(), null, v.evidence());
    }

    public static LastGood lastGood(String repository, String service, String environment, long deploy, String sha,
                                    Instant at) {
        String deployId = repository + "/deployments/" + deploy;
        return new LastGood(LastGood.SCHEMA, service, environment, repository, deployId,
                Verdict.verdictId(deployId, 2), sha, at);
    }

    public static Action action(Verdict verdict, Action.ActionType type, String target, Action.ActionPhase phase,
                                boolean dryRun, Instant at, String reason, Action.Request request) {
        return new Action(Action.SCHEMA, Action.actionId(verdict.verdictId(), type, target), verdict.verdictId(),
                verdict.deployId(), verdict.repository(), verdict.service(), verdict.environment(), type, target, phase,
                dryRun, phase == Action.ActionPhase.REQUESTED ? 0 : 1, "test", at, verdict.status(), reason, request,
                null);
    }

    /** A clock tests move by hand. */
    public static final class MutableClock extends Clock {
        private Instant now;

        public MutableClock(Instant start) {
            this.now = start;
        }

        public synchronized void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
