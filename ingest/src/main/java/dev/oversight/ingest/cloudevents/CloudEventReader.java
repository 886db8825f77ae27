package dev.oversight.ingest.cloudevents;

import static dev.oversight.ingest.PayloadReader.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.http.Rejection;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Reads CloudEvents from an HTTP request (CloudEvents HTTP protocol binding 1.0): binary mode (attributes in
 * {@code ce-*} headers, the body is the data), structured mode ({@code application/cloudevents+json}: the whole event
 * in the body) and batch mode ({@code application/cloudevents-batch+json}: a JSON array of structured events).
 */
public final class CloudEventReader {

    public static final String BINARY = "application/json";
    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String BATCH = "application/cloudevents-batch+json";

    private CloudEventReader() {}

    public static List<CloudEvent> read(String mediaType, MultiMap headers, byte[] body) {
        return switch (mediaType) {
            case STRUCTURED -> List.of(structured(PayloadReader.parse(body), body));
            case BATCH -> batch(body);
            default -> List.of(binary(headers, body));
        };
    }

    private static CloudEvent binary(MultiMap headers, byte[] body) {
        String specversion = header(headers, "ce-specversion");
        String id = header(headers, "ce-id");
        String source = header(headers, "ce-source");
        String type = header(headers, "ce-type");
        checkSpecversion(specversion);
        return new CloudEvent(specversion, id, source, type, headers.get("ce-time"), PayloadReader.parse(body), body);
    }

    private static String header(MultiMap headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw Rejection.missingHeader(name + " (a binary-mode CloudEvent needs ce-specversion, ce-id, ce-source "
                    + "and ce-type; or send Content-Type " + STRUCTURED + ")");
        }
        return value.trim();
    }

    private static CloudEvent structured(JsonNode event, byte[] raw) {
        if (!event.isObject()) {
            throw new MalformedPayloadException("a structured CloudEvent must be a JSON object");
        }
        String specversion = attribute(event, "specversion");
        checkSpecversion(specversion);
        String contentType = text(event, "datacontenttype");
        if (contentType != null && !isJson(contentType)) {
            throw new Rejection(415, "content_type", "datacontenttype must be JSON (CDEvents are JSON), got '"
                    + contentType + "'");
        }
        JsonNode data = event.get("data");
        if (data == null && text(event, "data_base64") != null) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(text(event, "data_base64"));
            } catch (IllegalArgumentException e) {
                throw new MalformedPayloadException("data_base64 is not base64");
            }
            data = PayloadReader.parse(decoded, "data_base64");
        }
        if (data == null || data.isNull()) {
            throw new MalformedPayloadException("the CloudEvent has no data");
        }
        return new CloudEvent(specversion, attribute(event, "id"), attribute(event, "source"),
                attribute(event, "type"), text(event, "time"), data, raw);
    }

    /**
     * A batch, each event with its own bytes sliced out of the body (so each raw record is the event exactly as
     * sent). Any event that cannot be read fails the whole batch, naming its position.
     */
    private static List<CloudEvent> batch(byte[] body) {
        // The whole body is read first: a body that is not JSON is malformed (400) whatever its first events say.
        List<JsonNode> trees = new ArrayList<>();
        List<byte[]> slices = new ArrayList<>();
        try (JsonParser parser = PayloadReader.parser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new MalformedPayloadException("a CloudEvents batch must be a JSON array of events");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new MalformedPayloadException("the batch is truncated after " + trees.size() + " events");
                }
                long start = parser.currentTokenLocation().getByteOffset();
                trees.add(PayloadReader.readTree(parser));
                slices.add(Arrays.copyOfRange(body, (int) start, (int) parser.currentLocation().getByteOffset()));
            }
            if (parser.nextToken() != null) {
                throw new MalformedPayloadException("unexpected content after the batch's closing ]");
            }
        } catch (IOException e) {
            throw PayloadReader.unreadable(e);
        }
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            try {
                events.add(structured(trees.get(i), slices.get(i)));
            } catch (Rejection e) {
                throw new Rejection(e.status(), e.cause(), inBatch(i, e.getMessage()));
            } catch (MalformedPayloadException e) {
                throw new MalformedPayloadException(inBatch(i, e.getMessage()));
            }
        }
        return events;
    }

    /** Names the event of a batch a problem is in. */
    public static String inBatch(int index, String problem) {
        return "event " + (index + 1) + " of the batch: " + problem + " (nothing of the batch was written)";
    }

    private static String attribute(JsonNode event, String name) {
        String value = text(event, name);
        if (value == null || value.isBlank()) {
            throw new MalformedPayloadException("missing CloudEvents attribute " + name);
        }
        return value;
    }

    private static void checkSpecversion(String specversion) {
        if (!"1.0".equals(specversion)) {
            throw new MalformedPayloadException("CloudEvents specversion must be 1.0, got '" + specversion + "'");
        }
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json") || media.equals("text/json");
    }
}
