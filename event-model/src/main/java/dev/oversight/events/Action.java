package dev.oversight.events;

import java.time.Instant;

/**
 * Something the rollback worker did or decided not to do, on {@code oversight.actions}, keyed by verdict id.
 *
 * @param actionId  the idempotency key: {@code <verdictId>:<type>:<target>}; a phase is recorded at most once per key
 * @param target    the sink or executor: {@code webhook}, {@code alertmanager}, {@code pagerduty}, {@code github}, …
 * @param detail    what happened, for humans (the receiver's answer, why it was skipped)
 */
public record Action(
        int schema,
        String actionId,
        String verdictId,
        String deployId,
        String repository,
        String service,
        String environment,
        ActionType type,
        String target,
        ActionPhase phase,
        boolean dryRun,
        int attempt,
        String detail,
        Instant at) {

    public static final int SCHEMA = 1;

    public static String actionId(String verdictId, ActionType type, String target) {
        return verdictId + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + ":" + target;
    }

    public enum ActionType { ALERT, RESOLVE, ROLLBACK }

    public enum ActionPhase { REQUESTED, SUCCEEDED, FAILED, SKIPPED }
}
