package dev.oversight.ingest.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.Payloads;
import dev.oversight.ingest.fuzz.Seeds.Route;
import dev.oversight.ingest.fuzz.Seeds.Seed;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded mutator over the real payloads: each case is a real delivery changed the way an attacker or a broken
 * sender would — truncated; a field removed, emptied, blanked or given another type; huge and negative numbers;
 * times out of range; malformed shas; control characters, long strings, lone surrogate escapes; deep nesting; a key
 * twice; invalid and overlong UTF-8, NUL bytes, a byte-order mark, UTF-16 and UTF-32 bodies. Most are signed (or carry
 * the token) so that they reach the normalizers; some are not, or wrongly. The same seed gives the same cases.
 */
final class Mutator {

    /** How a case is sent. */
    enum Mode { GITHUB_JSON, GITHUB_FORM, GITLAB, JENKINS, CE_BINARY, CE_STRUCTURED, CE_BATCH }

    /** Whether a case is signed (or carries its token): most are; some not at all, some wrongly. */
    enum Auth { VALID, MISSING, WRONG }

    /**
     * One mutated delivery.
     *
     * @param event       the GitHub event or GitLab hook (header), else null
     * @param headers     the request's headers but authentication (the sender adds that, by {@code auth})
     * @param body        the request body
     * @param json        the JSON the body carries: the body itself, or a form's decoded payload
     * @param deliveryIds the delivery ids its records would carry: one, or one per event of a batch
     * @param mutations   what was done to the real payload, to read a failure
     */
    record Case(int index, Mode mode, String event, Map<String, String> headers, byte[] body, byte[] json,
                List<String> deliveryIds, Auth auth, String seed, List<String> mutations) {

        String describe() {
            return "case " + index + " (" + mode + " " + (event == null ? "" : event + " ") + "from " + seed + ", auth "
                    + auth + ", mutations " + mutations + ")";
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fields the rules rely on, and others a sender is likely to get wrong: half of the mutations aim at them. */
    private static final Set<String> INTERESTING = Set.of("login", "username", "user_username", "sha", "head_sha",
            "commit_id", "id", "before", "after", "timestamp", "name", "title", "state", "status", "action", "ref",
            "environment", "number", "iid", "run_attempt", "full_name", "path_with_namespace", "commit", "type",
            "specversion", "source", "customData", "user", "sender", "review", "pull_request", "deployment", "phase",
            "scm", "context", "subject", "data", "last_commit", "commit_url", "short_sha", "labels", "payload",
            "reviewer", "author", "merged", "commits", "added", "modified", "removed", "homepage", "url",
            "retries_count");

    private final List<Seed> seeds;
    private final List<Seed> cdevents;
    private final String prefix;

    Mutator(List<Seed> seeds, String prefix) {
        this.seeds = seeds;
        this.cdevents = seeds.stream().filter(s -> s.route() == Route.CDEVENTS).toList();
        this.prefix = prefix;
    }

    /** Case {@code index} of the run seeded {@code seed}: the same seed and index always give the same case. */
    Case next(long seed, int index) {
        Random random = new Random(mix(seed + index * 0x9E3779B97F4A7C15L));
        Seed base = seeds.get(random.nextInt(seeds.size()));
        String id = prefix + index;
        List<String> applied = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(List.of(id));
        JsonNode tree;
        Mode mode;
        String event = base.event();
        switch (base.route()) {
            case GITHUB -> {
                tree = base.body().deepCopy();
                mode = random.nextInt(10) == 0 ? Mode.GITHUB_FORM : Mode.GITHUB_JSON;
                headers.put("X-GitHub-Event", event);
                headers.put("X-GitHub-Delivery", id);
            }
            case GITLAB -> {
                tree = base.body().deepCopy();
                mode = Mode.GITLAB;
                if ("Merge Request Hook".equals(event) && random.nextInt(3) == 0 && tree.get("object_attributes")
                        instanceof ObjectNode attributes) {
                    attributes.put("action", random.nextBoolean() ? "approved" : "unapproved");
                }
                headers.put("X-Gitlab-Event", event);
                headers.put("X-Gitlab-Event-UUID", id);
            }
            case JENKINS -> {
                tree = base.body().deepCopy();
                mode = Mode.JENKINS;
                if (random.nextBoolean() && tree.get("build") instanceof ObjectNode build) {
                    build.put("timestamp", 1_572_102_686_886L);
                }
                headers.put("Idempotency-Key", id);
            }
            default -> {
                int modes = random.nextInt(5);
                mode = modes < 2 ? Mode.CE_STRUCTURED : modes < 4 ? Mode.CE_BINARY : Mode.CE_BATCH;
                ObjectNode cdevent = cdevent(base, id, random);
                if (mode == Mode.CE_BINARY) {
                    tree = cdevent;
                    headers.put("ce-specversion", "1.0");
                    headers.put("ce-id", id);
                    headers.put("ce-source", cdevent.at("/context/source").asText());
                    headers.put("ce-type", cdevent.at("/context/type").asText());
                } else if (mode == Mode.CE_STRUCTURED) {
                    tree = Payloads.structured(cdevent);
                } else {
                    ArrayNode batch = NODES.arrayNode().add(Payloads.structured(cdevent(base, id + "-0", random)));
                    ids = new ArrayList<>(List.of(id + "-0"));
                    for (int k = 1, n = 1 + random.nextInt(2); k <= n; k++) {
                        Seed other = cdevents.get(random.nextInt(cdevents.size()));
                        batch.add(Payloads.structured(cdevent(other, id + "-" + k, random)));
                        ids.add(id + "-" + k);
                    }
                    tree = batch;
                }
            }
        }
        String contentType = switch (mode) {
            case GITHUB_FORM -> "application/x-www-form-urlencoded";
            case CE_STRUCTURED -> "application/cloudevents+json";
            case CE_BATCH -> "application/cloudevents-batch+json";
            default -> "application/json";
        };
        headers.put("Content-Type", contentType);

        int draw = random.nextInt(20);
        int count = draw < 2 ? 0 : draw < 13 ? 1 : draw < 18 ? 2 : 3;
        Map<String, String> raw = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            applied.add(mutateTree(tree, raw, random));
        }
        String text = Json.toString(tree);
        for (Map.Entry<String, String> placeholder : raw.entrySet()) {
            text = text.replace("\"" + placeholder.getKey() + "\"", placeholder.getValue());
        }
        byte[] json = text.getBytes(StandardCharsets.UTF_8);
        if (count > 0 && random.nextInt(4) == 0) {
            String[] what = new String[1];
            json = mutateBytes(json, random, what);
            applied.add(what[0]);
        }
        byte[] body = mode == Mode.GITHUB_FORM ? form(json, random) : json;
        int authDraw = random.nextInt(20);
        Auth auth = authDraw == 0 ? Auth.MISSING : authDraw == 1 ? Auth.WRONG : Auth.VALID;
        return new Case(index, mode, mode == Mode.GITHUB_JSON || mode == Mode.GITHUB_FORM || mode == Mode.GITLAB
                ? event : null, headers, body, json, List.copyOf(ids), auth, base.resource(), applied);
    }

    /** A 64-bit mix (SplittableRandom's), so that the cases of neighbouring indexes draw unrelated numbers. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A CDEvent of the seed with its context id set, sometimes with the customData Oversight reads. */
    private static ObjectNode cdevent(Seed seed, String id, Random random) {
        ObjectNode cdevent = (ObjectNode) seed.body().deepCopy();
        ((ObjectNode) cdevent.get("context")).put("id", id);
        if (random.nextBoolean()) {
            cdevent.putObject("customData").put("repository", "github:acme/fuzz").put("sha", hex(random, 40))
                    .put("author", "alice").put("reviewer", "bob").put("state", "approved").put("merged", false)
                    .put("url", "https://deploy.example/1");
        }
        return cdevent;
    }

    /** One change to the tree; placeholders in {@code raw} are replaced by raw JSON text once it is written. */
    private static String mutateTree(JsonNode root, Map<String, String> raw, Random random) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return "none (no field)";
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        if (random.nextBoolean()) {
            List<Slot> interesting = slots.stream().filter(s -> s.key != null && (INTERESTING.contains(s.key)
                    || s.key.endsWith("_at"))).toList();
            if (!interesting.isEmpty()) {
                slot = interesting.get(random.nextInt(interesting.size()));
            }
        }
        String where = slot.path();
        switch (random.nextInt(13)) {
            case 0 -> {
                slot.remove();
                return "removed " + where;
            }
            case 1 -> {
                slot.set(NODES.textNode(random.nextBoolean() ? "" : " "));
                return "emptied " + where;
            }
            case 2 -> {
                JsonNode[] types = {NODES.numberNode(0), NODES.booleanNode(true), NODES.objectNode(), NODES.arrayNode(),
                    NODES.nullNode(), NODES.textNode("7"), NODES.numberNode(12.5), NODES.textNode("text")};
                JsonNode value = types[random.nextInt(types.length)];
                slot.set(value);
                return "retyped " + where + " to " + value;
            }
            case 3 -> {
                JsonNode[] numbers = {NODES.numberNode(1e18), NODES.numberNode(new BigInteger("99999999999999999999")),
                    NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(-Long.MAX_VALUE), NODES.numberNode(-1),
                    NODES.numberNode(0), NODES.numberNode(1.0e300), NODES.numberNode(253_402_300_800L),
                    NODES.numberNode(1_700_000_000L), NODES.numberNode(Integer.MAX_VALUE)};
                JsonNode value = numbers[random.nextInt(numbers.length)];
                slot.set(value);
                return "set " + where + " to " + value;
            }
            case 4 -> {
                String[] times = {"+1000000000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
                    "+10000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "yesterday", "2016-08-12 15:23:28 UTC",
                    "1970-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z"};
                String value = times[random.nextInt(times.length)];
                slot.set(NODES.textNode(value));
                return "set " + where + " to " + value;
            }
            case 5 -> {
                String[] shas = {hex(random, 39), hex(random, 41), hex(random, 64), hex(random, 40).toUpperCase(),
                    "HEAD", "0".repeat(40), hex(random, 40), "g" + hex(random, 39)};
                String value = shas[random.nextInt(shas.length)];
                slot.set(NODES.textNode(value));
                return "set " + where + " to " + value;
            }
            case 6 -> {
                String[] texts = {"a\u0001b", "\u001f", "\u00e9moji \ud83d\ude80", "x".repeat(5000), " padded ", "\t",
                    "line\nbreak", "\u0000", "\u200b", "y".repeat(1100)};
                String value = texts[random.nextInt(texts.length)];
                slot.set(NODES.textNode(value));
                return "set " + where + " to text #" + value.length();
            }
            case 7 -> {
                String[] lone = {"\"a\\ud800b\"", "\"\\udc00\"", "\"\\ud83d\"", "\"\\uDBFF\\u0041\"",
                    "\"\\ude80\\ud83d\""};
                return "lone surrogate in " + where + ": " + placeholder(slot, raw, lone[random.nextInt(lone.length)]);
            }
            case 8 -> {
                String[] fine = {"\"\\ud83d\\ude80\"", "\"\\uD83D\\uDE80 \\u00e9\"", "\"\\\\ud800\""};
                return "escapes in " + where + ": " + placeholder(slot, raw, fine[random.nextInt(fine.length)]);
            }
            case 9 -> {
                int depth = new int[] {20, 400, 999, 1001, 3000}[random.nextInt(5)];
                placeholder(slot, raw, "[".repeat(depth) + "1" + "]".repeat(depth));
                return "nested " + where + " " + depth + " deep";
            }
            case 10 -> {
                ObjectNode object = slot.parent instanceof ObjectNode o ? o : null;
                if (object == null || object.isEmpty()) {
                    slot.remove();
                    return "removed " + where;
                }
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                String key = "@@DUP" + raw.size() + "@@";
                raw.put(key, Json.toString(NODES.textNode(name)));
                object.set(key, random.nextBoolean() ? object.get(name).deepCopy() : NODES.textNode("other"));
                return "key " + name + " twice in the object of " + where;
            }
            case 11 -> {
                if (slot.parent instanceof ObjectNode object) {
                    object.put("\ud83d\ude80 " + slot.key, "emoji key");
                }
                slot.set(NODES.textNode("\u00e9\u2713\ud83d\ude80"));
                return "unicode in " + where;
            }
            default -> {
                slot.set(NODES.textNode("mutated"));
                return "set " + where + " to mutated";
            }
        }
    }

    private static String placeholder(Slot slot, Map<String, String> raw, String json) {
        String key = "@@RAW" + raw.size() + "@@";
        raw.put(key, json);
        slot.set(NODES.textNode(key));
        return json.length() > 30 ? json.substring(0, 30) + "…" : json;
    }

    /** One change to the bytes: truncation, invalid or overlong UTF-8, NUL, a byte-order mark, another encoding. */
    private static byte[] mutateBytes(byte[] json, Random random, String[] what) {
        int at = random.nextInt(json.length);
        switch (random.nextInt(9)) {
            case 0 -> {
                what[0] = "truncated at " + at;
                return java.util.Arrays.copyOf(json, at);
            }
            case 1 -> {
                int[][] bad = {{0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0x80},
                    {0xE2, 0x82}, {0xFF}, {0xC3, 0x28}, {0xF0, 0x80, 0x80, 0xAF}};
                int[] bytes = bad[random.nextInt(bad.length)];
                what[0] = "bytes " + HexFormat.of().formatHex(toBytes(bytes)) + " at " + at;
                return insert(json, at, toBytes(bytes));
            }
            case 2 -> {
                what[0] = "NUL at " + at;
                return insert(json, at, new byte[] {0});
            }
            case 3 -> {
                what[0] = "UTF-8 byte-order mark";
                return insert(json, 0, toBytes(new int[] {0xEF, 0xBB, 0xBF}));
            }
            case 4, 5 -> {
                String[] charsets = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32BE", "UTF-32LE"};
                String charset = charsets[random.nextInt(charsets.length)];
                what[0] = "encoded in " + charset;
                return new String(json, StandardCharsets.UTF_8).getBytes(Charset.forName(charset));
            }
            case 6 -> {
                what[0] = "valid UTF-8 at " + at;
                return insert(json, at, "\u00e9\ud83d\ude80".getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                byte value = (byte) random.nextInt(256);
                what[0] = "byte " + at + " set to " + (value & 0xFF);
                byte[] copy = json.clone();
                copy[at] = value;
                return copy;
            }
        }
    }

    /** A GitHub form body: {@code payload=} and the JSON's bytes, each escaped as {@code %XX} unless unreserved. */
    private static byte[] form(byte[] json, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length * 3 + 16);
        out.writeBytes("payload=".getBytes(StandardCharsets.US_ASCII));
        for (byte b : json) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.write(c);
            } else if (c == ' ' && random.nextBoolean()) {
                out.write('+');
            } else {
                out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (random.nextInt(4) == 0) {
            out.writeBytes("&other=1".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

    private static byte[] toBytes(int[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static String hex(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    /** A place in the tree: a field of an object, or an element of an array. */
    private static final class Slot {
        final JsonNode parent;
        final String key;
        final int index;
        final Slot up;

        Slot(JsonNode parent, String key, int index, Slot up) {
            this.parent = parent;
            this.key = key;
            this.index = index;
            this.up = up;
        }

        /** As a JSON pointer. */
        String path() {
            return (up == null ? "" : up.path()) + "/" + (key != null ? key : Integer.toString(index));
        }

        void set(JsonNode value) {
            if (parent instanceof ObjectNode object) {
                object.set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode object) {
                object.remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        collect(node, null, slots);
    }

    private static void collect(JsonNode node, Slot up, List<Slot> slots) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Slot slot = new Slot(node, field.getKey(), -1, up);
                slots.add(slot);
                collect(field.getValue(), slot, slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Slot slot = new Slot(node, null, i, up);
                slots.add(slot);
                collect(node.get(i), slot, slots);
            }
        }
    }
}
