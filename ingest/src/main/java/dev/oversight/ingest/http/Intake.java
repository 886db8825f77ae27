package dev.oversight.ingest.http;

import java.util.List;

/**
 * What a source read from one request.
 *
 * @param eventTag   the request's event type as a metric tag: one of a fixed set per source, or {@code other}
 * @param deliveries one, or several for a CloudEvents batch (written in one transaction: all or none)
 * @param batch      whether the deliveries are the events of a CloudEvents batch, each body its own bytes of the
 *                   request's (the raw records say where each was in it)
 */
public record Intake(String eventTag, List<Delivery> deliveries, boolean batch) {

    public Intake {
        deliveries = List.copyOf(deliveries);
    }

    public static Intake of(String eventTag, Delivery delivery) {
        return new Intake(eventTag, List.of(delivery), false);
    }
}
