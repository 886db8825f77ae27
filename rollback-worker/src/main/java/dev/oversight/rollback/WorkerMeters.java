package dev.oversight.rollback;

import dev.oversight.events.Action;
import dev.oversight.policy.rules.Policy;
import dev.oversight.rollback.state.Journal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** rollback-worker's meters: names in one place, tags bounded (sink, executor, outcome, reason, environment, service). */
public final class WorkerMeters implements AutoCloseable {

    /** Counter: alert deliveries, tagged sink, type (alert, resolve, notice), outcome, environment. */
    public static final String ALERTS = "oversight.alerts";
    /** Counter: rollbacks, tagged executor, outcome, reason, environment, service, team. */
    public static final String ROLLBACKS = "oversight.rollbacks";
    /** Timer: from a verdict's decision to the outcome of an action on it, tagged action and target. */
    public static final String ACTION_LATENCY = "oversight.action.latency";
    /** Gauge: violations acted on and neither remediated nor rolled back, tagged environment, service and team. */
    public static final String OPEN_VIOLATIONS = "oversight.violations.open";
    /** Counter: re-sends of open alerts to Alertmanager, tagged outcome. */
    public static final String ALERTMANAGER_REFRESHES = "oversight.alertmanager.refreshes";
    /** Gauge: 1 while an executor's circuit breaker is open, else 0, tagged executor. */
    public static final String BREAKER_OPEN = "oversight.rollback.breaker.open";
    /** Counter: verdicts decided under another policy version than the one this worker loaded. */
    public static final String POLICY_MISMATCHES = "oversight.worker.policy.mismatches";
    /** Counter: records sent to the dead-letter topic, tagged stage (the same meter policy-stream counts on). */
    public static final String DEAD_LETTERS = "oversight.dlq.records";

    private final MeterRegistry registry;
    private final Function<String, String> teamOf;
    private final MultiGauge openViolations;
    private final List<Gauge> gauges = new ArrayList<>();
    /** Environment and service of every open-violation row shown at 0 until it has a violation. */
    private final Set<List<String>> openViolationRows = new LinkedHashSet<>();

    /** @param teamOf the team of a service, from the policy ({@code none} where it names none) */
    public WorkerMeters(MeterRegistry registry, Function<String, String> teamOf) {
        this.registry = registry;
        this.teamOf = teamOf;
        this.openViolations = MultiGauge.builder(OPEN_VIOLATIONS)
                .description("Violations acted on and neither remediated nor rolled back yet")
                .baseUnit("violations")
                .register(registry);
    }

    /** Counts an outcome and times it from the verdict's decision. */
    public void outcome(Action action, Duration sinceDecision) {
        String outcome = outcomeOf(action);
        String type = action.type().name().toLowerCase(Locale.ROOT);
        if (action.type() == Action.ActionType.ROLLBACK) {
            rollbacks(action.target(), outcome,
                    action.reason() == null ? "none" : action.reason().toLowerCase(Locale.ROOT),
                    action.environment(), action.service()).increment();
        } else {
            alerts(Journal.sinkOf(action), type, outcome, action.environment()).increment();
        }
        if (action.phase() != Action.ActionPhase.SKIPPED) {
            Timer.builder(ACTION_LATENCY).description("Time from a verdict's decision to the outcome of an action on it")
                    .tag("action", type).tag("target", Journal.sinkOf(action))
                    .publishPercentileHistogram()
                    .register(registry).record(sinceDecision.isNegative() ? Duration.ZERO : sinceDecision);
        }
    }

    /**
     * Registers, at zero, the alert and rollback counters the policy and the configured sinks say will be counted:
     * Prometheus's increase() cannot see the first increment of a series that appears with it, so a service's first
     * failed rollback would not show on a dashboard without this. The open violations of every service the policy
     * names in every protected environment show 0 from the start, so "no violation open" reads 0, not "no data".
     */
    public void initialize(Policy policy, List<String> sinkNames) {
        policyMismatches();
        deadLetters();
        policy.environments().forEach((environment, settings) -> {
            if (!settings.isProtected()) {
                return;
            }
            for (Policy.ServiceDef service : policy.services()) {
                openViolationRows.add(List.of(environment, service.name()));
            }
            if (settings.action().alerts()) {
                for (String sink : sinkNames) {
                    for (String type : List.of("alert", "resolve")) {
                        for (String outcome : List.of("succeeded", "failed")) {
                            alerts(sink, type, outcome, environment);
                        }
                    }
                }
            }
            if (settings.action().rollsBack()) {
                for (Policy.ServiceDef service : policy.services()) {
                    String executor = service.rollback().executor();
                    if (!executor.equals("none")) {
                        rollbacks(executor, "succeeded", "none", environment, service.name());
                        for (ActionReason reason : List.of(ActionReason.ROLLBACK_FAILED, ActionReason.OUTCOME_UNKNOWN)) {
                            rollbacks(executor, "failed", reason.name().toLowerCase(Locale.ROOT), environment,
                                    service.name());
                        }
                    }
                }
            }
        });
        openViolations(Map.of());
    }

    private Counter rollbacks(String executor, String outcome, String reason, String environment, String service) {
        return Counter.builder(ROLLBACKS).description("Rollbacks, by executor and outcome")
                .baseUnit("rollbacks")
                .tag("executor", executor).tag("outcome", outcome).tag("reason", reason)
                .tag("environment", environment).tag("service", service).tag("team", teamOf.apply(service))
                .register(registry);
    }

    private Counter alerts(String sink, String type, String outcome, String environment) {
        return Counter.builder(ALERTS).description("Alert deliveries, by sink and outcome")
                .baseUnit("alerts")
                .tag("sink", sink).tag("type", type).tag("outcome", outcome).tag("environment", environment)
                .register(registry);
    }

    public void refresh(boolean succeeded) {
        Counter.builder(ALERTMANAGER_REFRESHES).description("Re-sends of open alerts to Alertmanager")
                .baseUnit("requests").tag("outcome", succeeded ? "succeeded" : "failed")
                .register(registry).increment();
    }

    public void deadLetter() {
        deadLetters().increment();
    }

    private Counter deadLetters() {
        return Counter.builder(DEAD_LETTERS).description("Records that could not be processed, sent to the dead-letter topic")
                .baseUnit("records").tag("stage", "rollback-worker")
                .register(registry);
    }

    /** Counts a verdict decided under another policy version than the worker's. */
    public void policyMismatch() {
        policyMismatches().increment();
    }

    private Counter policyMismatches() {
        return Counter.builder(POLICY_MISMATCHES)
                .description("Verdicts decided under another policy version than the one this worker loaded")
                .baseUnit("verdicts").register(registry);
    }

    public void breaker(String executor, Supplier<Boolean> open) {
        gauges.add(Gauge.builder(BREAKER_OPEN, () -> open.get() ? 1 : 0)
                .description("1 while the executor's circuit breaker is open, else 0")
                .baseUnit("breakers").tag("executor", executor)
                .register(registry));
    }

    /**
     * Replaces the open violation counts, keyed environment then service; the policy's services without a count
     * show 0.
     */
    public void openViolations(Map<List<String>, Long> counts) {
        Map<List<String>, Long> rows = new LinkedHashMap<>();
        openViolationRows.forEach(row -> rows.put(row, 0L));
        rows.putAll(counts);
        openViolations.register(rows.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("environment", e.getKey().get(0), "service", e.getKey().get(1),
                        "team", teamOf.apply(e.getKey().get(1))), e.getValue()))
                .toList(), true);
    }

    /** Removes the gauges, which read this worker's state: a worker started after it registers its own. */
    @Override
    public void close() {
        openViolations.register(List.of(), true);
        gauges.forEach(registry::remove);
    }

    /** {@code succeeded}, {@code failed}, {@code skipped}, or {@code dry_run} for what a dry-run recorded. */
    static String outcomeOf(Action action) {
        if (action.dryRun() && action.phase() == Action.ActionPhase.SKIPPED) {
            return "dry_run";
        }
        return action.phase().name().toLowerCase(Locale.ROOT);
    }
}
