package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.LastGood;
import dev.oversight.events.Verdict;
import dev.oversight.policy.rules.Policy;
import dev.oversight.rollback.alert.Alert;
import dev.oversight.rollback.alert.AlertSink;
import dev.oversight.rollback.alert.AlertText;
import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.Prepared;
import dev.oversight.rollback.delivery.Retrier;
import dev.oversight.rollback.executor.RollbackExecutor;
import dev.oversight.rollback.executor.RollbackJob;
import dev.oversight.policy.rules.RollbackTarget;
import dev.oversight.rollback.safety.RollbackPlan;
import dev.oversight.rollback.safety.RollbackPlanner;
import dev.oversight.rollback.state.DeployWatch;
import dev.oversight.rollback.state.Journal;
import dev.oversight.rollback.state.LastGoods;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on one verdict. For a VIOLATION in a protected environment: decide the rollback (the safety rules), alert
 * (where policy alerts, or instead of a rollback that will not happen), roll back, then resolve the alerts when the
 * rollback succeeded or tell humans when it failed. An EXCEPTION is a warning (never paged, never rolled back); a
 * REMEDIATED verdict resolves whatever is open for the deploy.
 * <p>
 * Every action is looked up in the journal first: one with an outcome is never done again; one with an intent and no
 * outcome (the worker was stopped in the middle of it) is finished the way its sink or executor allows — see
 * DESIGN-NOTES.md. Every action is recorded before this returns.
 */
final class VerdictHandler {

    private static final Logger LOG = LoggerFactory.getLogger(VerdictHandler.class);
    private static final String NO_SINK = "none";

    private final WorkerConfig config;
    private final List<AlertSink> sinks;
    private final Map<String, RollbackExecutor> executors;
    private final Journal journal;
    private final LastGoods lastGoods;
    private final DeployWatch deploys;
    private final ActionLog log;
    private final Retrier retrier;
    private final RollbackPlanner planner;
    private final Clock clock;
    private final WorkerMeters meters;
    private final java.util.Set<String> mismatchesLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    VerdictHandler(WorkerConfig config, List<AlertSink> sinks, Map<String, RollbackExecutor> executors,
                   Journal journal, LastGoods lastGoods, DeployWatch deploys, ActionLog log, Retrier retrier,
                   Clock clock, WorkerMeters meters) {
        this.config = config;
        this.sinks = List.copyOf(sinks);
        this.executors = Map.copyOf(executors);
        this.journal = journal;
        this.lastGoods = lastGoods;
        this.deploys = deploys;
        this.log = log;
        this.retrier = retrier;
        this.planner = new RollbackPlanner(config.rollbacks().stormLimit(), config.rollbacks().maxAge());
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * What a verdict asks of the worker: the decision policy-stream wrote into it. A verdict written before verdicts
     * carried one (schema 1) is decided by the worker's policy, with the same environment rule policy-stream uses.
     */
    Verdict.Decision decision(Verdict verdict) {
        return verdict.decision() != null ? verdict.decision() : config.policy().decision(verdict.environment());
    }

    /** Whether a verdict asks for anything: only then is the journal caught up and the verdict handled. */
    boolean concerns(Verdict verdict) {
        checkPolicyVersion(verdict);
        Verdict.Decision decision = decision(verdict);
        if (!decision.isProtected()) {
            return false;
        }
        return switch (verdict.status()) {
            case VIOLATION, REMEDIATED -> true;
            case EXCEPTION -> action(decision).alerts();
            default -> false;
        };
    }

    /**
     * A verdict decided under another policy than the worker loaded (one of the two was changed and the other not
     * restarted yet): the verdict's decision is acted on; the difference is counted, and logged once per version.
     */
    private void checkPolicyVersion(Verdict verdict) {
        String version = verdict.policy() == null ? null : verdict.policy().version();
        if (version != null && !version.equals(config.policy().version())) {
            meters.policyMismatch();
            if (mismatchesLogged.add(version)) {
                LOG.warn("Verdict {} was decided under policy {} ({}), but this worker loaded {} ({}): acting on what "
                        + "the verdict says; restart the worker with the same policy file as policy-stream",
                        verdict.verdictId(), verdict.policy().name(), version, config.policy().name(),
                        config.policy().version());
            }
        }
    }

    private static Policy.Action action(Verdict.Decision decision) {
        return Policy.Action.ofLabel(decision.action()).orElse(Policy.Action.ALERT);
    }

    void handle(ActionLog.Source source, Verdict verdict) {
        Context c = new Context(source, verdict, decision(verdict));
        switch (verdict.status()) {
            case VIOLATION -> violation(c);
            case EXCEPTION -> alertAll(c, ActionType.ALERT, sink -> Alert.trigger(id(c, ActionType.ALERT, sink),
                    verdict, "Emergency deploy under policy" + (verdict.deadline() == null ? ""
                            : "; its review after the fact is due by " + verdict.deadline()) + ". No rollback."));
            case REMEDIATED -> resolveAll(c, "remediated: the review after the fact arrived");
            default -> { }
        }
    }

    /** The verdict being handled and what it asks. */
    private record Context(ActionLog.Source source, Verdict verdict, Verdict.Decision decision) {
        boolean dryRun() {
            return decision.dryRun();
        }

        Policy.Action action() {
            return VerdictHandler.action(decision);
        }
    }

    // ---- violation --------------------------------------------------------------------------------------------

    private void violation(Context c) {
        Verdict v = c.verdict();
        boolean alerts = c.action().alerts();
        if (!c.action().rollsBack()) {
            alertAll(c, ActionType.ALERT, sink -> Alert.trigger(id(c, ActionType.ALERT, sink), v, null));
            return;
        }
        RollbackTarget settings = config.rollbackOf(v.service());
        if (!executors.containsKey(settings.executor())) {
            settings = new RollbackTarget.None();
        }
        String rollbackId = Action.actionId(v.verdictId(), ActionType.ROLLBACK, settings.executor());
        Optional<Journal.Entry> recorded = journal.entry(rollbackId);
        Action outcome = recorded.map(Journal.Entry::outcome).orElse(null);
        RollbackPlan plan = recorded.isEmpty() ? plan(v, settings) : null;
        // A rollback that will not happen is alerted instead (a dry-run is not "not happening": it is recorded).
        boolean notDone = plan != null ? !plan.execute()
                : outcome != null && outcome.phase() == ActionPhase.SKIPPED
                && !ActionReason.DRY_RUN.name().equals(outcome.reason());
        if (alerts || notDone) {
            String note = plan != null ? note(plan, c.dryRun()) : outcome != null && notDone
                    ? "Not rolled back: " + outcome.detail() + "." : null;
            alertAll(c, ActionType.ALERT, sink -> Alert.trigger(id(c, ActionType.ALERT, sink), v, note));
        }
        if (outcome == null) {
            outcome = recorded.isPresent() ? recover(c, settings, recorded.get().intent())
                    : rollback(c, plan, rollbackId);
        }
        if (outcome.phase() == ActionPhase.SUCCEEDED && !outcome.dryRun()) {
            resolveAll(c, "rolled back to " + AlertText.shortSha(outcome.rollbackTo().sha()) + ", the last compliant"
                    + " version (deploy " + outcome.rollbackTo().deployId() + ")");
        } else if (outcome.phase() == ActionPhase.FAILED) {
            String what = "Rollback through " + outcome.target() + " did not happen or may not have: "
                    + outcome.detail() + ". Roll back by hand.";
            if (alerts) {
                Alert.Notice notice = new Alert.Notice(outcome.target(), true, outcome.reason());
                noticeAll(c, notice, what, List.of());
            } else {
                alertAll(c, ActionType.ALERT, sink -> Alert.trigger(id(c, ActionType.ALERT, sink), v, what));
            }
        }
    }

    private RollbackPlan plan(Verdict v, RollbackTarget settings) {
        Instant now = clock.instant();
        LastGood good = lastGoods.of(v.service(), v.environment()).orElse(null);
        return planner.plan(new RollbackPlanner.Facts(v, settings, good,
                good == null ? null : deploys.status(good.deployId()).orElse(null),
                deploys.newerThan(v).map(DeployWatch.Deploy::deployId).orElse(null),
                journal.rollbacksSince(v.service(), now.minus(Duration.ofHours(1))),
                journal.breaker(settings.executor()).state(now), now));
    }

    private static String note(RollbackPlan plan, boolean dryRun) {
        if (!plan.execute()) {
            return "Not rolled back: " + plan.why() + ".";
        }
        LastGood good = plan.target();
        return (dryRun ? "Dry-run: would roll back to " : "Rolling back to ") + AlertText.shortSha(good.sha())
                + " (deploy " + good.deployId() + ", compliant" + (good.deployedAt() == null ? ""
                : ", deployed " + good.deployedAt()) + ") through " + plan.settings().executor() + ".";
    }

    /** Carries out a fresh plan: records a skip or a dry-run, or the intent, the call and its outcome. */
    private Action rollback(Context c, RollbackPlan plan, String rollbackId) {
        Verdict v = c.verdict();
        String executorName = plan.settings().executor();
        if (!plan.execute()) {
            return record(c, ActionType.ROLLBACK, executorName, ActionPhase.SKIPPED, 0, plan.why(), plan.reason(),
                    null, plan.target());
        }
        RollbackExecutor executor = executors.get(executorName);
        RollbackJob job = new RollbackJob(rollbackId, v, plan.target(), plan.settings(), clock.instant());
        if (c.dryRun()) {
            return record(c, ActionType.ROLLBACK, executorName, ActionPhase.SKIPPED, 0, "dry-run: would roll back to "
                    + plan.target().sha() + " through " + executorName, ActionReason.DRY_RUN, executor.describe(job),
                    plan.target());
        }
        record(c, ActionType.ROLLBACK, executorName, ActionPhase.REQUESTED, 0, "rolling back to "
                + plan.target().sha(), null, executor.describe(job), plan.target());
        return execute(c, executor, job, 0);
    }

    /**
     * Finishes a rollback whose intent was recorded and whose outcome was not: the worker stopped in the middle.
     * An executor that can look for its own request adopts it or makes it; one that cannot is not called again.
     */
    private Action recover(Context c, RollbackTarget settings, Action intent) {
        RollbackExecutor executor = executors.get(intent.target());
        String name = intent.target();
        if (executor == null || !settings.executor().equals(name) || intent.rollbackTo() == null) {
            return unknown(c, name, intent, "the worker stopped during the rollback and can no longer look it up");
        }
        RollbackJob job = new RollbackJob(intent.actionId(), c.verdict(), intent.rollbackTo(), settings, intent.at());
        Retrier.Result<RollbackExecutor.Lookup> lookup = retrier.run(() -> executor.lookup(job), true);
        if (!lookup.succeeded()) {
            return unknown(c, name, intent, "the worker stopped during the rollback, and looking it up failed: "
                    + lookup.failure().getMessage());
        }
        return switch (lookup.value().state()) {
            case FOUND -> record(c, ActionType.ROLLBACK, name, ActionPhase.SUCCEEDED, intent.attempt(),
                    lookup.value().detail(), null, intent.request(), intent.rollbackTo());
            case NOT_FOUND -> execute(c, executor, job, intent.attempt());
            case CANNOT_TELL -> unknown(c, name, intent, "the worker stopped while the request was being made, and "
                    + lookup.value().detail() + "; it was not repeated");
        };
    }

    private Action execute(Context c, RollbackExecutor executor, RollbackJob job, int attemptsBefore) {
        Retrier.Result<String> result = retrier.run(() -> executor.execute(job), executor.repeatable());
        int attempts = attemptsBefore + result.attempts();
        Action.Request request = executor.describe(job);
        if (result.succeeded()) {
            return record(c, ActionType.ROLLBACK, executor.name(), ActionPhase.SUCCEEDED, attempts, result.value(),
                    null, request, job.target());
        }
        DeliveryException failure = result.failure();
        ActionReason reason = failure.kind() == DeliveryException.Kind.UNKNOWN_OUTCOME ? ActionReason.OUTCOME_UNKNOWN
                : ActionReason.ROLLBACK_FAILED;
        LOG.warn("Rollback {} through {} failed after {} attempts: {}", job.actionId(), executor.name(), attempts,
                failure.getMessage());
        return failed(c, record(c, ActionType.ROLLBACK, executor.name(), ActionPhase.FAILED, attempts,
                failure.getMessage(), reason, request, job.target()));
    }

    private Action unknown(Context c, String executor, Action intent, String why) {
        LOG.warn("Rollback {} through {}: outcome unknown: {}", intent.actionId(), executor, why);
        return failed(c, record(c, ActionType.ROLLBACK, executor, ActionPhase.FAILED, intent.attempt(), why,
                ActionReason.OUTCOME_UNKNOWN, intent.request(), intent.rollbackTo()));
    }

    // ---- alerts -----------------------------------------------------------------------------------------------

    /** Alerts every sink (each in turn; one failing does not stop the others), then tells of any that failed. */
    private void alertAll(Context c, ActionType type, Function<String, Alert> alertFor) {
        if (sinks.isEmpty()) {
            record(c, type, NO_SINK, ActionPhase.SKIPPED, 0, "no alert sink is configured", ActionReason.NO_SINK,
                    null, null);
            return;
        }
        List<String> failed = new ArrayList<>();
        List<AlertSink> working = new ArrayList<>();
        for (AlertSink sink : sinks) {
            Action outcome = deliver(c, sink, type, sink.name(), alertFor.apply(sink.name()));
            if (outcome.phase() == ActionPhase.FAILED) {
                failed.add(sink.name());
            } else {
                working.add(sink);
            }
        }
        for (String sink : failed) {
            Action outcome = journal.outcome(id(c, type, sink)).orElseThrow();
            noticeAll(c, new Alert.Notice(sink, false, outcome.reason()), "The " + type.name().toLowerCase()
                    + " for this deploy could not be delivered to " + sink + ": " + outcome.detail(), working);
        }
    }

    /** Resolves, on every sink, what is open about the deploy, with the identity it was sent with. */
    private void resolveAll(Context c, String how) {
        alertAll(c, ActionType.RESOLVE, sink -> Alert.resolve(id(c, ActionType.RESOLVE, sink), c.verdict(), how,
                journal.openAlerts(c.verdict().deployId(), sink, c.dryRun()).stream()
                        .map(Journal.OpenAlert::request).toList()));
    }

    /** Tells humans about an action that failed, through the given sinks (all, when empty). */
    private void noticeAll(Context c, Alert.Notice notice, String what, List<AlertSink> through) {
        for (AlertSink sink : through.isEmpty() ? sinks : through) {
            String target = sink.name() + "/" + notice.subject();
            // A sink is not asked to say that it cannot be reached; an executor may share a sink's name (webhook).
            if (notice.aboutRollback() || !sink.name().equals(notice.subject())) {
                deliver(c, sink, ActionType.NOTICE, target, Alert.notice(id(c, ActionType.NOTICE, target),
                        c.verdict(), notice, what));
            }
        }
    }

    /**
     * One delivery, exactly once: an outcome on record is final; a sink that cannot absorb a repeat gets the intent
     * recorded first, and an intent found without outcome is not sent again.
     */
    private Action deliver(Context c, AlertSink sink, ActionType type, String target, Alert alert) {
        String id = Action.actionId(c.verdict().verdictId(), type, target);
        Optional<Journal.Entry> recorded = journal.entry(id);
        if (recorded.map(Journal.Entry::outcome).isPresent()) {
            return recorded.get().outcome();
        }
        if (!sink.takes(alert)) {
            return record(c, type, target, ActionPhase.SKIPPED, 0, "not sent to " + sink.name() + ": "
                    + ActionReason.NOT_PAGED.meaning(), ActionReason.NOT_PAGED, null, null);
        }
        Prepared prepared = sink.prepare(alert);
        if (prepared.isEmpty()) {
            return record(c, type, target, ActionPhase.SKIPPED, 0, "nothing is open on " + sink.name()
                    + " for this deploy", ActionReason.NOTHING_OPEN, null, null);
        }
        if (c.dryRun()) {
            return record(c, type, target, ActionPhase.SKIPPED, 0, "dry-run: recorded, not sent", ActionReason.DRY_RUN,
                    prepared.recorded(), null);
        }
        if (recorded.isPresent()) {
            return failed(c, record(c, type, target, ActionPhase.FAILED, recorded.get().intent().attempt(),
                    "the worker stopped while sending to " + sink.name() + ", which cannot tell a repeat from a new "
                            + "message; it was not sent again, so it may be missing", ActionReason.OUTCOME_UNKNOWN,
                    prepared.recorded(), null));
        }
        if (!sink.absorbsRepeats()) {
            record(c, type, target, ActionPhase.REQUESTED, 0, "sending", null, prepared.recorded(), null);
        }
        Retrier.Result<String> result = retrier.run(() -> sink.deliver(prepared), sink.absorbsRepeats());
        if (result.succeeded()) {
            return record(c, type, target, ActionPhase.SUCCEEDED, result.attempts(), result.value(), null,
                    prepared.recorded(), null);
        }
        DeliveryException failure = result.failure();
        LOG.warn("{} of {} to {} failed after {} attempts: {}", type, c.verdict().verdictId(), sink.name(),
                result.attempts(), failure.getMessage());
        return failed(c, record(c, type, target, ActionPhase.FAILED, result.attempts(), failure.getMessage(),
                failure.kind() == DeliveryException.Kind.UNKNOWN_OUTCOME ? ActionReason.OUTCOME_UNKNOWN
                        : ActionReason.DELIVERY_FAILED, prepared.recorded(), null));
    }

    // ---- records ----------------------------------------------------------------------------------------------

    private static String id(Context c, ActionType type, String target) {
        return Action.actionId(c.verdict().verdictId(), type, target);
    }

    private Action record(Context c, ActionType type, String target, ActionPhase phase, int attempt, String detail,
                          ActionReason reason, Action.Request request, LastGood rollbackTo) {
        Verdict v = c.verdict();
        Action action = new Action(Action.SCHEMA, Action.actionId(v.verdictId(), type, target), v.verdictId(),
                v.deployId(), v.repository(), v.service(), v.environment(), type, target, phase, c.dryRun(), attempt,
                detail, clock.instant(), v.status(), reason == null ? null : reason.name(), request, rollbackTo);
        log.record(c.source(), v, action);
        return action;
    }

    /** A failed action also goes to the dead-letter topic, with the verdict's coordinates. */
    private Action failed(Context c, Action action) {
        log.deadLetter(c.source(), action, action.detail());
        return action;
    }
}
