package dev.oversight.rollback.alert;

import dev.oversight.events.Verdict;

/**
 * What a sink is asked to do: open (trigger) an alert for a verdict, or resolve the alert of its deploy.
 *
 * @param trigger true to open or refresh the alert, false to resolve it
 */
public record Alert(Verdict verdict, boolean trigger) {}
