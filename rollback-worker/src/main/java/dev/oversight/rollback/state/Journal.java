package dev.oversight.rollback.state;

import dev.oversight.events.Action;
import dev.oversight.events.VerdictStatus;
import dev.oversight.rollback.ActionReason;
import dev.oversight.rollback.safety.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the worker knows of its own past: every action on {@code oversight.actions}, read from the beginning on
 * start and followed after, plus what this instance records itself. It answers the questions exactly-once rests on
 * (was this action already requested? has it an outcome?) and the ones derived from them: which alerts are open on
 * which sink (to refresh them, and to resolve them with the identity they were sent with), how many rollbacks a
 * service had in the last hour, each executor's circuit breaker, and the open violations.
 * <p>
 * Records of one verdict share a key, hence a partition, and arrive in order; records of different verdicts may
 * arrive in any order, so everything derived here depends on the records' times, not on their order.
 */
public final class Journal {

    /** The intent and the outcome recorded for one action id; either may be null. */
    public record Entry(Action intent, Action outcome) {}

    /** One alert sent (or, in a dry-run, that would have been) and still open. */
    public record OpenAlert(Action action) {
        public Action.Request request() {
            return action.request();
        }
    }

    /** A deploy that was acted on. */
    public static final class Case {
        private final String deployId;
        private final String repository;
        private final String service;
        private final String environment;
        private boolean violation;
        private boolean closed;
        private final Map<String, List<Action>> alerts = new HashMap<>();
        private final Map<String, Instant> resolvedAt = new HashMap<>();

        Case(Action first) {
            this.deployId = first.deployId();
            this.repository = first.repository();
            this.service = first.service();
            this.environment = first.environment();
        }

        public String deployId() {
            return deployId;
        }

        public String repository() {
            return repository;
        }

        public String service() {
            return service;
        }

        public String environment() {
            return environment;
        }

        /** A violation acted on and neither resolved nor rolled back since. */
        public boolean openViolation() {
            return violation && !closed;
        }

        /** The alerts sent to a sink for this deploy after its last resolve there. */
        public List<OpenAlert> open(String sink) {
            Instant resolved = resolvedAt.getOrDefault(sink, Instant.MIN);
            return alerts.getOrDefault(sink, List.of()).stream().filter(a -> a.at().isAfter(resolved))
                    .map(OpenAlert::new).toList();
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Case> cases = new HashMap<>();
    private final Map<String, List<Instant>> rollbacks = new HashMap<>();
    private final Map<String, CircuitBreaker> breakers = new HashMap<>();
    private final Function<String, CircuitBreaker> newBreaker;

    public Journal(Function<String, CircuitBreaker> newBreaker) {
        this.newBreaker = newBreaker;
    }

    /** Takes in one record; a record already taken in (read back after this instance wrote it) changes nothing. */
    public synchronized boolean apply(Action action) {
        Entry entry = entries.getOrDefault(action.actionId(), new Entry(null, null));
        boolean intent = action.phase() == Action.ActionPhase.REQUESTED;
        if (intent ? entry.intent() != null : entry.outcome() != null) {
            return false;
        }
        entries.put(action.actionId(), intent ? new Entry(action, entry.outcome()) : new Entry(entry.intent(), action));
        boolean rollback = action.type() == Action.ActionType.ROLLBACK && !action.dryRun();
        if (rollback && intent) {
            rollbacks.computeIfAbsent(action.service(), s -> new ArrayList<>()).add(action.at());
        }
        if (rollback && action.phase() == Action.ActionPhase.SUCCEEDED) {
            breaker(action.target()).success(action.at());
        }
        if (rollback && action.phase() == Action.ActionPhase.FAILED
                && !ActionReason.OUTCOME_UNKNOWN.name().equals(action.reason())) {
            breaker(action.target()).failure(action.at());
        }
        track(action);
        return true;
    }

    private void track(Action action) {
        Case c = cases.computeIfAbsent(action.deployId(), id -> new Case(action));
        Action.ActionType type = action.type();
        if (action.verdictStatus() == VerdictStatus.VIOLATION && type != Action.ActionType.RESOLVE) {
            c.violation = true;
        }
        if (type == Action.ActionType.RESOLVE && action.phase().isOutcome()
                || type == Action.ActionType.ROLLBACK && action.phase() == Action.ActionPhase.SUCCEEDED
                && !action.dryRun()) {
            c.closed = true;
        }
        String sink = sinkOf(action);
        if (type == Action.ActionType.RESOLVE && action.phase().isOutcome()) {
            c.resolvedAt.merge(sink, action.at(), (a, b) -> a.isAfter(b) ? a : b);
        }
        boolean sent = action.phase() == Action.ActionPhase.SUCCEEDED
                || action.phase() == Action.ActionPhase.SKIPPED && action.dryRun();
        if ((type == Action.ActionType.ALERT || type == Action.ActionType.NOTICE) && sent && action.request() != null) {
            c.alerts.computeIfAbsent(sink, s -> new ArrayList<>()).add(action);
        }
    }

    /** The sink of an alert action: its target, or for a notice the part before the slash. */
    public static String sinkOf(Action action) {
        int slash = action.target().indexOf('/');
        return slash < 0 ? action.target() : action.target().substring(0, slash);
    }

    public synchronized Optional<Entry> entry(String actionId) {
        return Optional.ofNullable(entries.get(actionId));
    }

    /** The recorded outcome of an action, if there is one. */
    public synchronized Optional<Action> outcome(String actionId) {
        return entry(actionId).map(Entry::outcome);
    }

    /** The alerts open on a sink for a deploy, real or (with {@code dryRun}) simulated. */
    public synchronized List<OpenAlert> openAlerts(String deployId, String sink, boolean dryRun) {
        Case c = cases.get(deployId);
        return c == null ? List.of() : c.open(sink).stream().filter(a -> a.action().dryRun() == dryRun).toList();
    }

    /** Every deploy with real alerts open on a sink: what the Alertmanager refresh re-sends. */
    public synchronized Map<Case, List<OpenAlert>> openOn(String sink) {
        Map<Case, List<OpenAlert>> open = new HashMap<>();
        for (Case c : cases.values()) {
            List<OpenAlert> alerts = c.open(sink).stream().filter(a -> !a.action().dryRun()).toList();
            if (!alerts.isEmpty()) {
                open.put(c, alerts);
            }
        }
        return open;
    }

    /** Deploys with a violation acted on, open or not (the gauge shows 0 rather than nothing once all are closed). */
    public synchronized List<Case> violations() {
        return cases.values().stream().filter(c -> c.violation).toList();
    }

    /** Rollbacks of a service requested (not dry-run) at or after {@code since}. */
    public synchronized int rollbacksSince(String service, Instant since) {
        List<Instant> times = rollbacks.getOrDefault(service, List.of());
        return (int) times.stream().filter(t -> !t.isBefore(since)).count();
    }

    public synchronized CircuitBreaker breaker(String executor) {
        return breakers.computeIfAbsent(executor, newBreaker);
    }
}
