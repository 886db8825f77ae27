package dev.oversight.ingest.http;

import dev.oversight.events.Source;
import dev.oversight.ingest.Normalized;

/**
 * One delivery read from a request (a request carries one, a CloudEvents batch several), ready to be written.
 *
 * @param eventType  the source's name of the event, kept on the raw record ({@code X-GitHub-Event}, a CloudEvents
 *                   type)
 * @param deliveryId the source's id of the delivery, on every record taken from it
 * @param dedupKey   what makes two deliveries the same one: a repeated key is answered "duplicate"
 * @param body       the delivery exactly as received: the raw record's body
 */
public record Delivery(String eventType, String deliveryId, String dedupKey, byte[] body, Normalized normalized) {

    /** A delivery whose id is unique within its source: the key is {@code <source>:<delivery id>}. */
    public static Delivery of(Source source, String eventType, String deliveryId, byte[] body, Normalized normalized) {
        return new Delivery(eventType, deliveryId, source.id() + ":" + deliveryId, body, normalized);
    }
}
