package dev.oversight.events.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents attributes as Kafka headers (the CloudEvents Kafka protocol binding, binary content mode), so any
 * CloudEvents-aware consumer reads Oversight's records.
 */
public final class CloudEventHeaders {

    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    /** What the event is about; on {@code oversight.raw} the repository (also the record's key). */
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    /** Every Oversight event type starts with this. */
    public static final String TYPE_PREFIX = "dev.oversight.";

    private CloudEventHeaders() {}

    /**
     * Writes the attributes.
     *
     * @param type   the part after {@link #TYPE_PREFIX}, such as {@code verdict.v1}
     * @param source a URI reference naming the producer, such as {@code /oversight/ingest/github}
     */
    public static Headers write(Headers headers, String id, String type, String source, Instant time) {
        return write(headers, id, type, source, time, "application/json");
    }

    /** Writes the attributes of an event whose data (the record's value) is of this media type. */
    public static Headers write(Headers headers, String id, String type, String source, Instant time,
                                String contentType) {
        put(headers, SPECVERSION, "1.0");
        put(headers, ID, id);
        put(headers, TYPE, TYPE_PREFIX + type);
        put(headers, SOURCE, source);
        put(headers, TIME, DateTimeFormatter.ISO_INSTANT.format(time));
        put(headers, CONTENT_TYPE, contentType);
        return headers;
    }

    public static String read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sets one header, UTF-8 (what the binding asks of attribute values). */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
