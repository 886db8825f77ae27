package dev.oversight.rollback.delivery;

import dev.oversight.events.Action;
import java.util.List;

/**
 * Requests ready to send, and how they are recorded on {@code oversight.actions} (without credentials). Most are one
 * call; resolving several PagerDuty incidents of one deploy is one call each.
 */
public record Prepared(List<HttpSender.Call> calls, Action.Request recorded) {

    public Prepared {
        calls = List.copyOf(calls);
    }

    public static Prepared of(HttpSender.Call call, Action.Request recorded) {
        return new Prepared(List.of(call), recorded);
    }

    /** Nothing to send (nothing is open on the sink). */
    public boolean isEmpty() {
        return calls.isEmpty();
    }
}
