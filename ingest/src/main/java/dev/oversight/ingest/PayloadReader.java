package dev.oversight.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Actor;
import dev.oversight.events.EvidenceRules;
import dev.oversight.events.PushEvent;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Small helpers to read a webhook body by dotted paths, saying which field is missing when one must be there. */
public final class PayloadReader {

    /** GitLab's other time format: {@code 2021-04-28 21:50:00 +0200}, {@code 2016-08-12 15:23:28 UTC}. */
    private static final Pattern SPACED_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d+)? (UTC|[+-]\\d{4})");
    private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendPattern(" xx")
            .toFormatter();

    /**
     * The reader of webhook bodies: a key given twice in one object is an error. The evidence would take one of the
     * values while the raw record keeps both, so the record of evidence and the decision could disagree. Bodies are
     * always read into trees, whose own map tells when a key comes again: as strict as the parser's
     * {@code STRICT_DUPLICATE_DETECTION}, without its second set of names per object (which doubled the time to read
     * a GitHub payload).
     */
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final BigDecimal LATEST_SECOND = BigDecimal.valueOf(EvidenceRules.LATEST.getEpochSecond());

    private PayloadReader() {}

    /**
     * A JSON body, or a {@link MalformedPayloadException} that says where it is broken (not strict UTF-8 JSON text,
     * see {@link JsonText}; truncated, not JSON, empty, nested too deep, a key twice).
     */
    public static JsonNode parse(byte[] body) {
        return parse(body, "body");
    }

    /** Like {@link #parse(byte[])}, for JSON that is part of the body ({@code what} names it in the message). */
    public static JsonNode parse(byte[] json, String what) {
        if (json.length == 0) {
            throw new MalformedPayloadException("body".equals(what) ? "empty body" : what + " is empty");
        }
        JsonText.requireJson(json, what);
        try {
            JsonNode node = READER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new MalformedPayloadException("body".equals(what) ? "empty body" : what + " is empty");
            }
            return node;
        } catch (IOException e) {
            throw unreadable(what, e);
        }
    }

    /**
     * Like {@link #parse(byte[], String)}, refusing exactly the bodies it refuses with the same message, but building
     * only the fields given into the tree: the rest of the body is passed over token by token (every key of every
     * object still checked against the others of its object). Several times cheaper than the whole tree of a large
     * payload of which a normalizer reads a few dozen fields. A body whose root is not an object, or one long enough
     * that a string in it could exceed the parser's limit on strings (which only a string built is checked against),
     * is read whole.
     */
    public static JsonNode parse(byte[] json, String what, PayloadFields fields) {
        if (json.length == 0 || json.length >= READER.getFactory().streamReadConstraints().getMaxStringLength()) {
            return parse(json, what);
        }
        JsonText.requireJson(json, what);
        try (JsonParser parser = READER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return parse(json, what);
            }
            JsonNode node = new Pruning(parser, json.length).object(fields);
            if (READER.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) && parser.nextToken() != null) {
                return parse(json, what);
            }
            return node;
        } catch (IOException e) {
            throw unreadable(what, e);
        }
    }

    /**
     * One pass of {@link #parse(byte[], String, PayloadFields)}: the tree of the fields kept, and for every object met
     * its keys, to refuse one given twice as the whole tree's reader does ({@code FAIL_ON_READING_DUP_TREE_KEY}: the
     * same message, at the same place). The keys of the whole body share one open-addressing table, each tagged with
     * the number of its object, so nothing is allocated per object.
     */
    private static final class Pruning {
        private final JsonParser parser;
        private int objects;
        private int[] owners;
        private String[] keys;
        private int size;

        Pruning(JsonParser parser, int bodyLength) {
            this.parser = parser;
            int capacity = Integer.highestOneBit(Math.max(64, bodyLength / 8)) * 2;
            this.owners = new int[capacity];
            this.keys = new String[capacity];
        }

        /** The object at the current token (START_OBJECT), with the fields kept. */
        ObjectNode object(PayloadFields fields) throws IOException {
            ObjectNode node = READER.getConfig().getNodeFactory().objectNode();
            int owner = ++objects;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                claim(owner, name);
                PayloadFields field = fields.field(name);
                if (field == null) {
                    skip(token);
                } else {
                    node.set(name, value(token, field));
                }
            }
            return node;
        }

        private JsonNode value(JsonToken token, PayloadFields fields) throws IOException {
            if (token == JsonToken.START_OBJECT && !fields.whole() && fields.elements() == null) {
                return object(fields);
            }
            if (token == JsonToken.START_ARRAY && !fields.whole() && fields.elements() != null) {
                ArrayNode array = READER.getConfig().getNodeFactory().arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(t, fields.elements()));
                }
                return array;
            }
            return READER.readTree(parser);
        }

        private void skip(JsonToken token) throws IOException {
            if (token == JsonToken.START_OBJECT) {
                int owner = ++objects;
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    JsonToken value = parser.nextToken();
                    claim(owner, name);
                    skip(value);
                }
            } else if (token == JsonToken.START_ARRAY) {
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    skip(t);
                }
            }
        }

        /** Records a key of an object; a key the object had already is refused where its second value starts. */
        private void claim(int owner, String name) throws IOException {
            if (size * 2 >= keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int slot = slot(name, owner) & mask;
            while (keys[slot] != null) {
                if (owners[slot] == owner && keys[slot].equals(name)) {
                    throw MismatchedInputException.from(parser, JsonNode.class, "Duplicate field '" + name
                            + "' for `ObjectNode`: not allowed when `DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY`"
                            + " enabled");
                }
                slot = slot + 1 & mask;
            }
            keys[slot] = name;
            owners[slot] = owner;
            size++;
        }

        private static int slot(String name, int owner) {
            int h = (name.hashCode() * 31 + owner) * 0x9E3779B9;
            return h ^ h >>> 16;
        }

        private void grow() {
            String[] oldKeys = keys;
            int[] oldOwners = owners;
            keys = new String[oldKeys.length * 2];
            owners = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    int slot = slot(oldKeys[i], oldOwners[i]) & mask;
                    while (keys[slot] != null) {
                        slot = slot + 1 & mask;
                    }
                    keys[slot] = oldKeys[i];
                    owners[slot] = oldOwners[i];
                }
            }
        }
    }

    /**
     * A parser of a whole body read value by value (a CloudEvents batch), with the checks of {@link #parse}: the
     * bytes are checked here, keys given twice are refused as the parser meets them ({@link #readTree}).
     */
    public static JsonParser parser(byte[] body) throws IOException {
        if (body.length == 0) {
            throw new MalformedPayloadException("empty body");
        }
        JsonText.requireJson(body, "body");
        return READER.createParser(body);
    }

    /** The next value of a parser made by {@link #parser}. */
    public static JsonNode readTree(JsonParser parser) throws IOException {
        return READER.readTree(parser);
    }

    /** What went wrong reading a JSON body, and where. */
    public static MalformedPayloadException unreadable(IOException e) {
        return unreadable("body", e);
    }

    private static MalformedPayloadException unreadable(String what, IOException e) {
        if (e instanceof JsonProcessingException json) {
            // Limits (nesting depth, number and string lengths) are reported without a location.
            String where = json.getLocation() == null ? "" : " at line " + json.getLocation().getLineNr()
                    + ", column " + json.getLocation().getColumnNr();
            String message = json.getOriginalMessage();
            int internal = message == null ? -1 : message.indexOf(" for `ObjectNode`");
            if (internal > 0) {
                message = message.substring(0, internal) + ": a key given twice in one object";
            }
            return new MalformedPayloadException(what + " is not valid JSON (" + message + where + ")");
        }
        return new MalformedPayloadException(what + " cannot be read: " + e.getMessage());
    }

    /** The first value that is neither null nor blank, or null. */
    public static String firstNonEmpty(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /**
     * The commits of a push ({@code id}, {@code added}, {@code modified}, {@code removed} as GitHub and GitLab name
     * them, {@code path} the commits' field), each with its author and the first line of its message as the source
     * gives them. Each commit's sha is required. Paths are kept up to {@link EvidenceRules#MAX_PATHS} distinct ones
     * in the push, in the order policy-stream reads them (commit by commit: added, modified, removed), which keeps no
     * more; a path a commit lists twice in one list is kept once.
     */
    public static List<PushEvent.PushedCommit> pushedCommits(JsonNode root, String path,
                                                            Function<JsonNode, String> author,
                                                            Function<JsonNode, String> message) {
        JsonNode commits = at(root, path);
        List<PushEvent.PushedCommit> pushed = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        if (commits != null && commits.isArray()) {
            for (int i = 0; i < commits.size(); i++) {
                JsonNode c = commits.get(i);
                pushed.add(new PushEvent.PushedCommit(requireSha(root, path + "." + i + ".id"), author.apply(c),
                        firstLine(message.apply(c)), paths(at(c, "added"), paths),
                        paths(at(c, "modified"), paths), paths(at(c, "removed"), paths)));
            }
        }
        return pushed;
    }

    private static List<String> paths(JsonNode array, Set<String> pushed) {
        List<String> kept = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (String path : texts(array)) {
            if ((pushed.contains(path) || pushed.size() < EvidenceRules.MAX_PATHS) && listed.add(path)) {
                pushed.add(path);
                kept.add(path);
            }
        }
        return kept;
    }

    /** A commit message's first line, at most 200 characters (never half a surrogate pair). */
    public static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        return EvidenceRules.clip(message.lines().findFirst().orElse(""), 200);
    }

    /** Free text (a title, a description): at most {@link EvidenceRules#MAX_TEXT} characters are kept. */
    public static String freeText(JsonNode root, String path) {
        return EvidenceRules.clip(text(root, path), EvidenceRules.MAX_TEXT);
    }

    /** The node at a dotted path ({@code pull_request.head.sha}; a number part indexes an array), or null. */
    public static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (node != null && node.isArray() && !part.isEmpty() && part.chars().allMatch(Character::isDigit)
                    && part.length() < 10) {
                node = node.get(Integer.parseInt(part));
                continue;
            }
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

    /** A text field that must be there and not blank. */
    public static String requireText(JsonNode root, String path) {
        String value = text(root, path);
        if (value == null || value.isBlank()) {
            throw new MalformedPayloadException("missing field " + path + (value == null ? "" : " (blank)"));
        }
        return value;
    }

    /** A commit sha that must be there: 40 or 64 hex characters ({@link EvidenceRules#isSha}). */
    public static String requireSha(JsonNode root, String path) {
        String value = sha(root, path);
        if (value == null) {
            throw new MalformedPayloadException("missing field " + path);
        }
        return value;
    }

    /** A commit sha, or null when the field is absent or null; anything else must be a sha. */
    public static String sha(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null) {
            return null;
        }
        String value = node.isValueNode() ? node.asText() : "";
        if (!EvidenceRules.isSha(value)) {
            throw new MalformedPayloadException("field " + path + " is not a commit sha (40 or 64 hexadecimal "
                    + "characters): '" + EvidenceRules.clip(value, 80) + "'");
        }
        return value;
    }

    /** A login as the field gives it, checked ({@link EvidenceRules#loginProblem}): an empty login is nobody. */
    public static String login(String path, String login) {
        String problem = EvidenceRules.loginProblem(login);
        if (problem != null) {
            throw new MalformedPayloadException("field " + path + " " + problem + ": a login names an account");
        }
        return login;
    }

    public static JsonNode requireObject(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null || !node.isObject()) {
            throw new MalformedPayloadException("missing object " + path);
        }
        return node;
    }

    /** A number that must be there, not negative (a pull request's, a build's). */
    public static long requireLong(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null || !node.canConvertToLong()) {
            throw new MalformedPayloadException("missing number " + path);
        }
        long value = node.asLong();
        if (value < 0) {
            throw new MalformedPayloadException("field " + path + " is negative: " + value);
        }
        return value;
    }

    public static boolean bool(JsonNode root, String path) {
        JsonNode node = at(root, path);
        return node != null && (node.asBoolean() || "true".equalsIgnoreCase(node.asText()));
    }

    public static int integer(JsonNode root, String path, int defaultValue) {
        JsonNode node = at(root, path);
        return node != null && node.canConvertToInt() ? node.asInt() : defaultValue;
    }

    /**
     * An ISO-8601 time (with offset or Z), GitLab's {@code 2021-04-28 21:50:00 +0200} or {@code … UTC}, or epoch
     * seconds; null when absent (or null). A value that is there but is no time, or a time outside the years 1970 to
     * 9999 ({@link EvidenceRules#inRange}), is the sender's error: a {@link MalformedPayloadException} naming the
     * field.
     */
    public static Instant instant(JsonNode root, String path) {
        JsonNode node = at(root, path);
        if (node == null) {
            return null;
        }
        Instant time;
        if (node.isNumber()) {
            BigDecimal seconds = node.isDouble() || node.isFloat() ? finite(node, path) : node.decimalValue();
            if (seconds.signum() < 0 || seconds.compareTo(LATEST_SECOND) > 0) {
                throw outOfRange(path, node.asText());
            }
            time = Instant.ofEpochSecond(seconds.longValue());
        } else {
            time = node.isTextual() ? parseTime(node.asText()) : null;
            if (time == null) {
                throw new MalformedPayloadException("field " + path + " is not a time: "
                        + EvidenceRules.clip(node.toString(), 80));
            }
        }
        if (!EvidenceRules.inRange(time)) {
            throw outOfRange(path, node.asText());
        }
        return time;
    }

    /** A time in epoch milliseconds, checked like {@link #instant}. */
    public static Instant epochMillis(String path, long millis) {
        if (millis < 0 || millis > EvidenceRules.LATEST.toEpochMilli()) {
            throw outOfRange(path, Long.toString(millis) + " ms");
        }
        return Instant.ofEpochMilli(millis);
    }

    private static BigDecimal finite(JsonNode node, String path) {
        double value = node.asDouble();
        if (!Double.isFinite(value)) {
            throw outOfRange(path, node.asText());
        }
        return BigDecimal.valueOf(value);
    }

    private static Instant parseTime(String value) {
        try {
            if (SPACED_TIME.matcher(value).matches()) {
                return OffsetDateTime.parse(value.replace(" UTC", " +0000"), SPACED).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static MalformedPayloadException outOfRange(String path, String value) {
        return new MalformedPayloadException("field " + path + " is " + EvidenceRules.clip(value, 80)
                + ", a time outside the years 1970 to 9999");
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

    /**
     * A GitHub-style user object: {@code login} and {@code type}; null without the object or without its login. A
     * login that is there must be one ({@link #login}).
     */
    public static Actor githubUser(JsonNode root, String path) {
        JsonNode user = at(root, path);
        if (user == null || text(user, "login") == null) {
            return null;
        }
        return Actor.of(login(path + ".login", text(user, "login")), text(user, "type"));
    }
}
