package dev.oversight.rollback.delivery;

import java.time.Duration;

/**
 * A call to a sink or executor that did not succeed, classified before anything else is done with it.
 */
public final class DeliveryException extends Exception {

    /** What the failure says about trying again. */
    public enum Kind {
        /** Nothing was done (refused connection, 429, 5xx): trying again may help and cannot repeat anything. */
        RETRIABLE,
        /** The receiver refused the request as such (4xx, exit status): trying again would fail the same way. */
        FATAL,
        /** The request may or may not have been carried out (timeout, connection lost after sending). */
        UNKNOWN_OUTCOME
    }

    private final Kind kind;
    private final Duration retryAfter;

    public DeliveryException(Kind kind, String message) {
        this(kind, message, null);
    }

    public DeliveryException(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** How long the receiver asked us to wait (Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
