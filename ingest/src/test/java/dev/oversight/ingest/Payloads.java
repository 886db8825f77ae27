package dev.oversight.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The real payloads in the test resources (each folder's ORIGIN.md says where they come from). */
public final class Payloads {

    private Payloads() {}

    public static byte[] bytes(String resource) {
        try (InputStream in = Payloads.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String resource) {
        try {
            return Json.mapper().readTree(bytes(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy that a test may change. */
    public static ObjectNode object(String resource) {
        return (ObjectNode) json(resource);
    }

    /**
     * A copy of a payload with one field changed, at a JSON pointer ({@code /review/user/login}): set to the value, or
     * removed when the value is null.
     */
    public static ObjectNode changed(String resource, String pointer, JsonNode value) {
        ObjectNode body = object(resource);
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = body.at(pointer.substring(0, slash));
        String name = pointer.substring(slash + 1);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(name), value);
        } else if (value == null) {
            ((ObjectNode) parent).remove(name);
        } else {
            ((ObjectNode) parent).set(name, value);
        }
        return body;
    }

    /** {@link #changed(String, String, JsonNode)} with a string (null removes the field). */
    public static ObjectNode changed(String resource, String pointer, String value) {
        return changed(resource, pointer, value == null ? null : Json.mapper().getNodeFactory().textNode(value));
    }

    /** The examples of one GitHub event from @octokit/webhooks-examples (github/octokit/EVENT.json). */
    public static List<JsonNode> octokit(String event) {
        List<JsonNode> examples = new ArrayList<>();
        json("github/octokit/" + event + ".json").forEach(examples::add);
        return examples;
    }

    /** A CDEvents conformance example (cdevents/FILE) with another context id, so that it is a new delivery. */
    public static ObjectNode cdevent(String file, String id) {
        ObjectNode cdevent = object("cdevents/" + file);
        ((ObjectNode) cdevent.get("context")).put("id", id);
        return cdevent;
    }

    /** A CDEvent as a structured-mode CloudEvent whose attributes agree with its context. */
    public static ObjectNode structured(JsonNode cdevent) {
        JsonNode context = cdevent.get("context");
        ObjectNode event = Json.mapper().createObjectNode().put("specversion", "1.0")
                .put("id", context.get("id").asText()).put("source", context.get("source").asText())
                .put("type", context.get("type").asText()).put("datacontenttype", "application/json");
        event.set("data", cdevent);
        return event;
    }

    public static byte[] toBytes(JsonNode json) {
        return Json.toBytes(json);
    }
}
