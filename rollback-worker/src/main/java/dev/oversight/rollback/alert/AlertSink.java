package dev.oversight.rollback.alert;

import dev.oversight.rollback.delivery.DeliveryException;
import dev.oversight.rollback.delivery.Prepared;

/**
 * Somewhere on-call hears about a violation: Alertmanager, PagerDuty, Slack, a webhook. A sink first
 * {@link #prepare prepares} the exact request (what a dry-run records), then {@link #deliver delivers} it.
 */
public interface AlertSink {

    /** The sink's name as actions and metrics show it: {@code alertmanager}, {@code pagerduty}, … */
    String name();

    /**
     * Whether the receiver folds a repeat of the same request into the alert it already has (Alertmanager by labels,
     * PagerDuty by dedup_key, the webhook by Idempotency-Key). When false, the worker records its intent before
     * sending and never sends twice.
     */
    boolean absorbsRepeats();

    /** Whether this sink is told of this alert at all: a sink that pages people is not paged for a warning. */
    default boolean takes(Alert alert) {
        return true;
    }

    /** The requests that deliver the alert; empty when there is nothing to say (a resolve with nothing open). */
    Prepared prepare(Alert alert);

    /** Sends what {@link #prepare} built; returns a short description of the receiver's answer. */
    String deliver(Prepared prepared) throws DeliveryException;
}
