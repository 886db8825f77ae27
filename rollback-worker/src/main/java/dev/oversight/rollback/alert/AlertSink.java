package dev.oversight.rollback.alert;

/** Somewhere on-call hears about a violation: Alertmanager, PagerDuty, Slack, a webhook. */
public interface AlertSink {

    /** The sink's name as actions and metrics show it: {@code alertmanager}, {@code webhook}, … */
    String name();

    /** Delivers the alert; returns a short description of the receiver's answer. */
    String send(Alert alert) throws SinkException;

    /** A delivery that failed, and whether trying again may help. */
    final class SinkException extends Exception {
        private final boolean retriable;

        public SinkException(String message, boolean retriable) {
            super(message);
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }
}
