package dev.oversight.events.kafka;

import dev.oversight.events.RawDelivery;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@code oversight.raw} in the CloudEvents Kafka protocol binding's binary mode: the record's value is the delivery's
 * body exactly as received, its attributes are record headers (the table in ingest/README.md, "Raw delivery"):
 *
 * <ul>
 *   <li>{@code ce_specversion} 1.0, {@code ce_id} the delivery id, {@code ce_type} {@code dev.oversight.delivery.v2},
 *       {@code ce_source} {@code /oversight/ingest/<source>}, {@code ce_time} the time of receipt,
 *       {@code ce_subject} the repository (also the key), {@code content-type} the body's media type;</li>
 *   <li>extension attributes {@code ce_eventtype} (the sender's event type) and, for an event of a CloudEvents batch,
 *       {@code ce_batchindex} (from 1) and {@code ce_batchsize}; {@code ce_provenance} {@code backfill} on a fact
 *       read from the source's API by {@code oversight backfill} (absent on a webhook's delivery);</li>
 *   <li>{@code http_<name>} for every request header kept (lower-case name; the value's bytes as received).</li>
 * </ul>
 *
 * <p>Records written before this form (a JSON envelope with the body escaped into it, {@code ce_type}
 * {@code dev.oversight.delivery.v1} or no headers at all) are read too, as {@link RawDelivery} with schema 1.
 * The serializer needs the record's headers: a raw delivery cannot be written without them.
 */
public final class RawDeliverySerde implements Serde<RawDelivery> {

    /** The {@code ce_type} of this form, after {@link CloudEventHeaders#TYPE_PREFIX}. */
    public static final String TYPE = "delivery.v2";
    /** The {@code ce_source} of a raw delivery is this followed by the source's id. */
    public static final String SOURCE_PREFIX = "/oversight/ingest/";
    public static final String EVENT_TYPE = "ce_eventtype";
    public static final String BATCH_INDEX = "ce_batchindex";
    public static final String BATCH_SIZE = "ce_batchsize";
    /**
     * Extension attribute: how the delivery reached Oversight when not as a webhook — {@code backfill} for a fact
     * that {@code oversight backfill} read from the source's API. Absent on a webhook's delivery.
     */
    public static final String PROVENANCE = "ce_provenance";
    /** A request header {@code X-Hub-Signature-256} is the record header {@code http_x-hub-signature-256}. */
    public static final String HTTP_PREFIX = "http_";

    /** The envelope of records written before the body was the value (schema 1). */
    private record Envelope(int schema, Source source, String eventType, String deliveryId, String repository,
                            Instant receivedAt, Map<String, String> headers, String body) {}

    @Override
    public Serializer<RawDelivery> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, RawDelivery value) {
                throw new UnsupportedOperationException("a raw delivery's attributes go in record headers: "
                        + "serialize(topic, headers, value)");
            }

            @Override
            public byte[] serialize(String topic, Headers headers, RawDelivery value) {
                return value == null ? null : write(headers, value);
            }
        };
    }

    @Override
    public Deserializer<RawDelivery> deserializer() {
        return new Deserializer<>() {
            @Override
            public RawDelivery deserialize(String topic, byte[] data) {
                return data == null ? null : envelope(data);
            }

            @Override
            public RawDelivery deserialize(String topic, Headers headers, byte[] data) {
                return data == null ? null : read(headers, data);
            }
        };
    }

    /** Writes the delivery's attributes and kept request headers into {@code headers}; returns the value: the body. */
    public static byte[] write(Headers headers, RawDelivery raw) {
        CloudEventHeaders.write(headers, raw.deliveryId(), TYPE, SOURCE_PREFIX + raw.source().id(), raw.receivedAt(),
                raw.contentType());
        CloudEventHeaders.put(headers, CloudEventHeaders.SUBJECT, raw.repository());
        CloudEventHeaders.put(headers, EVENT_TYPE, raw.eventType());
        if (raw.batch() != null) {
            CloudEventHeaders.put(headers, BATCH_INDEX, Integer.toString(raw.batch().index()));
            CloudEventHeaders.put(headers, BATCH_SIZE, Integer.toString(raw.batch().size()));
        }
        // HTTP header values are octets: the server read each as one ISO-8859-1 character, so this gives them back.
        raw.headers().forEach((name, value) -> headers.add(HTTP_PREFIX + name,
                value.getBytes(StandardCharsets.ISO_8859_1)));
        return raw.body();
    }

    /** A record of {@code oversight.raw} in either form. */
    public static RawDelivery read(Headers headers, byte[] value) {
        String type = CloudEventHeaders.read(headers, CloudEventHeaders.TYPE);
        if (!(CloudEventHeaders.TYPE_PREFIX + TYPE).equals(type)) {
            return envelope(value);
        }
        String source = required(headers, CloudEventHeaders.SOURCE);
        if (!source.startsWith(SOURCE_PREFIX)) {
            throw new SerializationException("a raw delivery's ce_source must start " + SOURCE_PREFIX + ", got '"
                    + source + "'");
        }
        Map<String, String> kept = new TreeMap<>();
        for (Header header : headers) {
            if (header.key().startsWith(HTTP_PREFIX) && header.value() != null) {
                kept.merge(header.key().substring(HTTP_PREFIX.length()),
                        new String(header.value(), StandardCharsets.ISO_8859_1), (a, b) -> a + ", " + b);
            }
        }
        String index = CloudEventHeaders.read(headers, BATCH_INDEX);
        String size = CloudEventHeaders.read(headers, BATCH_SIZE);
        try {
            return new RawDelivery(RawDelivery.SCHEMA, Source.fromId(source.substring(SOURCE_PREFIX.length())),
                    CloudEventHeaders.read(headers, EVENT_TYPE), required(headers, CloudEventHeaders.ID),
                    CloudEventHeaders.read(headers, CloudEventHeaders.SUBJECT),
                    Instant.parse(required(headers, CloudEventHeaders.TIME)),
                    CloudEventHeaders.read(headers, CloudEventHeaders.CONTENT_TYPE), kept,
                    index == null || size == null ? null
                            : new RawDelivery.Batch(Integer.parseInt(index), Integer.parseInt(size)),
                    value);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new SerializationException("unreadable raw delivery headers: " + e.getMessage(), e);
        }
    }

    private static String required(Headers headers, String name) {
        String value = CloudEventHeaders.read(headers, name);
        if (value == null) {
            throw new SerializationException("a raw delivery without the header " + name);
        }
        return value;
    }

    private static RawDelivery envelope(byte[] data) {
        Envelope envelope;
        try {
            envelope = Json.mapper().readValue(data, Envelope.class);
        } catch (IOException e) {
            throw new SerializationException("neither a raw delivery (no ce_type " + CloudEventHeaders.TYPE_PREFIX
                    + TYPE + ") nor an older raw delivery envelope: " + e.getMessage(), e);
        }
        if (envelope.body() == null) {
            throw new SerializationException("an older raw delivery envelope without a body");
        }
        Map<String, String> headers = envelope.headers() == null ? Map.of() : envelope.headers();
        return new RawDelivery(1, envelope.source(), envelope.eventType(), envelope.deliveryId(),
                envelope.repository(), envelope.receivedAt(), headers.get("content-type"), headers, null,
                envelope.body().getBytes(StandardCharsets.UTF_8));
    }
}
