package dev.oversight.events;

import java.time.Instant;
import java.util.Map;

/**
 * A delivery exactly as it was accepted, on {@code oversight.raw}: the evidence of record that every verdict's
 * {@code evidence} list points to. Headers that carry secrets (signatures, tokens, authorization) are removed.
 *
 * @param body the request body, verbatim
 */
public record RawDelivery(
        int schema,
        Source source,
        String eventType,
        String deliveryId,
        String repository,
        Instant receivedAt,
        Map<String, String> headers,
        String body) {

    public static final int SCHEMA = 1;

    public RawDelivery {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
