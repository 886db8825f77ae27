package dev.oversight.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A delivery exactly as it was accepted, on {@code oversight.raw}: the evidence of record that every verdict's
 * {@code evidence} list points to. On the topic the record's value is the body, byte for byte, and everything else is
 * in record headers ({@link dev.oversight.events.kafka.RawDeliverySerde}); this is how a reader sees either form.
 *
 * @param schema      2 for a record whose value is the body (record headers); 1 for an older record, a JSON envelope
 *                    holding the body as a string (read the same way: the body is its UTF-8 bytes, which are the bytes
 *                    received, since only strict UTF-8 was ever accepted)
 * @param eventType   the sender's name of the event ({@code X-GitHub-Event}, {@code X-Gitlab-Event}, {@code build},
 *                    the CloudEvents type)
 * @param repository  the record's key
 * @param contentType the media type of the body; null on an older record that did not name one
 * @param headers     the request's headers, lower-case names, credentials removed (an {@code Authorization}, a
 *                    cookie, anything named like a token, secret, password or API key); the signature stays
 * @param batch       where the body was in a CloudEvents batch; null when the body is the whole request body (and
 *                    on older records)
 * @param body        the request body as received (for a CloudEvents batch, the event's own bytes of it)
 */
public record RawDelivery(
        int schema,
        Source source,
        String eventType,
        String deliveryId,
        String repository,
        Instant receivedAt,
        String contentType,
        Map<String, String> headers,
        Batch batch,
        byte[] body) {

    /** The form written today. */
    public static final int SCHEMA = 2;

    /** The event's place in the CloudEvents batch it came in: {@code index} counts from 1. */
    public record Batch(int index, int size) {}

    public RawDelivery {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The body as text (it is strict UTF-8). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A request header as kept, by its name in any case; null when it was not sent or not kept. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawDelivery that && schema == that.schema && source == that.source
                && Objects.equals(eventType, that.eventType) && Objects.equals(deliveryId, that.deliveryId)
                && Objects.equals(repository, that.repository) && Objects.equals(receivedAt, that.receivedAt)
                && Objects.equals(contentType, that.contentType) && headers.equals(that.headers)
                && Objects.equals(batch, that.batch) && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, source, eventType, deliveryId, repository, receivedAt, contentType, headers, batch,
                Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "RawDelivery[schema=" + schema + ", source=" + source + ", eventType=" + eventType + ", deliveryId="
                + deliveryId + ", repository=" + repository + ", receivedAt=" + receivedAt + ", contentType="
                + contentType + ", headers=" + headers + ", batch=" + batch + ", body=" + body.length + " bytes]";
    }
}
