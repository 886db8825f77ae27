package dev.oversight.rollback.executor;

import dev.oversight.events.Action;
import dev.oversight.rollback.delivery.DeliveryException;

/**
 * Rolls a service back to its last good version: GitHub, Argo CD, a webhook or a command. An executor
 * {@link #describe describes} the request that makes the rollback (what a dry-run records), can say whether that
 * request was already made ({@link #lookup}, after the worker was stopped in the middle of it), and
 * {@link #execute executes} it.
 */
public interface RollbackExecutor {

    /** The executor's name as policy, actions and metrics show it. */
    String name();

    /**
     * Whether {@link #execute} may be called again for the same job without a second rollback: true where it looks
     * for its own earlier request before making one, or where a repeat is the same state (a sync to one revision).
     */
    boolean repeatable();

    /** The request that makes the rollback, without credentials. */
    Action.Request describe(RollbackJob job);

    /** Whether the rollback of this job was already requested from the deployer. */
    Lookup lookup(RollbackJob job) throws DeliveryException;

    /** Makes the rollback; returns what the deployer answered, for humans. */
    String execute(RollbackJob job) throws DeliveryException;

    /** What a {@link #lookup} found. */
    record Lookup(State state, String detail) {

        public enum State { FOUND, NOT_FOUND, CANNOT_TELL }

        public static Lookup found(String detail) {
            return new Lookup(State.FOUND, detail);
        }

        public static Lookup notFound() {
            return new Lookup(State.NOT_FOUND, null);
        }

        public static Lookup cannotTell(String why) {
            return new Lookup(State.CANNOT_TELL, why);
        }
    }
}
