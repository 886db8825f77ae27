package dev.oversight.ingest.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The JSON of a {@link RawDelivery} on {@code oversight.raw}, what {@code JsonSerde.of(RawDelivery.class)} writes (a
 * test holds it to that, byte for byte), but with the body escaped straight from the bytes received. Going through a
 * Java String first (what the serde does) was the largest single cost of a delivery in the benchmark: a body with one
 * character outside Latin-1 becomes a UTF-16 string, which Jackson escapes one {@code charAt} at a time.
 */
public final class RawDeliveryJson {

    private RawDeliveryJson() {}

    /** @param body the delivery's body as received (UTF-8); {@code raw.body()} is not read */
    public static byte[] write(RawDelivery raw, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schema", raw.schema());
            json.writeStringField("source", raw.source().id());
            json.writeStringField("eventType", raw.eventType());
            json.writeStringField("deliveryId", raw.deliveryId());
            json.writeStringField("repository", raw.repository());
            json.writeStringField("receivedAt", DateTimeFormatter.ISO_INSTANT.format(raw.receivedAt()));
            json.writeObjectFieldStart("headers");
            for (Map.Entry<String, String> header : raw.headers().entrySet()) {
                json.writeStringField(header.getKey(), header.getValue());
            }
            json.writeEndObject();
            json.writeFieldName("body");
            json.writeUTF8String(body, 0, body.length);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
