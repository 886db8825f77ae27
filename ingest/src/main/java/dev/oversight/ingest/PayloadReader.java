package dev.oversight.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Actor;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Small helpers to read a webhook body by dotted paths, saying which field is missing when one must be there. */
public final class PayloadReader {

    private PayloadReader() {}

    public static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(part);
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    public static String text(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null) {
            return null;
        }
        return node.isValueNode() ? node.asText() : null;
    }

    public static String requireText(JsonNode root, String path) {
        String value = text(root, path);
        if (value == null || value.isEmpty()) {
            throw new MalformedPayloadException("missing field " + path);
        }
        return value;
    }

    public static JsonNode requireObject(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null || !node.isObject()) {
            throw new MalformedPayloadException("missing object " + path);
        }
        return node;
    }

    public static long requireLong(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null || !node.canConvertToLong()) {
            throw new MalformedPayloadException("missing number " + path);
        }
        return node.asLong();
    }

    public static boolean bool(JsonNode root, String path) {
        JsonNode node = at(root, path);
        return node != null && (node.asBoolean() || "true".equalsIgnoreCase(node.asText()));
    }

    public static int integer(JsonNode root, String path, int defaultValue) {
        JsonNode node = at(root, path);
        return node != null && node.canConvertToInt() ? node.asInt() : defaultValue;
    }

    /** An ISO-8601 time (with offset or Z), epoch seconds, or null when absent or unreadable. */
    public static Instant instant(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return Instant.ofEpochSecond(node.asLong());
        }
        String value = node.asText();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** The first of the times present, or the fallback. */
    public static Instant firstInstant(JsonNode root, Instant fallback, String... paths) {
        for (String path : paths) {
            Instant value = instant(root, path);
            if (value != null) {
                return value;
            }
        }
        return fallback;
    }

    public static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> {
                if (n.isValueNode()) {
                    values.add(n.asText());
                }
            });
        }
        return values;
    }

    /** A GitHub-style user object: {@code login} and {@code type}. */
    public static Actor githubUser(JsonNode root, String path) {
        JsonNode user = at(root, path);
        if (user == null || text(user, "login") == null) {
            return null;
        }
        return Actor.of(text(user, "login"), text(user, "type"));
    }
}
