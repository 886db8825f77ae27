package dev.oversight.ingest.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oversight.events.Actor;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.EvidenceRules;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.kafka.JsonSerde;
import dev.oversight.events.kafka.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a delivery must be to be accepted, and what an accepted delivery's records must be, said apart from ingest's
 * own code as far as it goes: the JDK's strict UTF-8 decoder, a Jackson parser of the test's own that refuses keys
 * given twice, the identity and commit fields of each event by their place in the payload, and what policy-stream's
 * own serdes read back.
 */
final class Oracle {

    private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final JsonSerde<Evidence> STATE = JsonSerde.compact(Evidence.class);
    /** The CDEvents types Oversight reads (ingest/README.md), by the test's own reading of the README. */
    private static final Pattern READ = Pattern.compile("dev\\.cdevents\\.(change\\.(created|updated|reviewed|"
            + "merged|abandoned)|(pipelinerun|testsuiterun)\\.(queued|started|finished)|testcaserun\\.(queued|started|"
            + "finished|skipped)|artifact\\.packaged|service\\.(deployed|upgraded|rolledback))\\.\\d+\\.\\d+\\.\\d+.*");

    private Oracle() {}

    /** A body's problem (null when none) and, when it has none, its JSON. */
    record Body(String problem, JsonNode json) {}

    /**
     * Why these bytes are not JSON text one may accept, or null: not strict UTF-8, a NUL, a byte-order mark, not JSON,
     * a key twice, a string (name or value) that is not well-formed Unicode.
     */
    static String bodyProblem(byte[] bytes) {
        return inspect(bytes).problem();
    }

    /** See {@link #bodyProblem}; with the JSON when there is no problem. */
    static Body inspect(byte[] bytes) {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return new Body("not strict UTF-8", null);
        }
        if (text.indexOf('\u0000') >= 0) {
            return new Body("a NUL", null);
        }
        if (text.startsWith("\ufeff")) {
            return new Body("a byte-order mark", null);
        }
        JsonNode json = parse(text);
        if (json == null) {
            return new Body("not JSON, or a key twice", null);
        }
        return wellFormed(json) ? new Body(null, json) : new Body("a lone surrogate", null);
    }

    /** The JSON (a key twice is an error), or null when it is not JSON. */
    static JsonNode parse(String text) {
        try (JsonParser parser = STRICT.createParser(text)) {
            JsonNode node = STRICT.readTree(parser);
            return node == null || node.isMissingNode() || parser.nextToken() != null ? null : node;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean wellFormed(JsonNode node) {
        if (node.isTextual()) {
            return wellFormed(node.textValue());
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!wellFormed(field.getKey()) || !wellFormed(field.getValue())) {
                return false;
            }
        }
        for (JsonNode element : node.isArray() ? node : List.<JsonNode>of()) {
            if (!wellFormed(element)) {
                return false;
            }
        }
        return true;
    }

    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The identity and commit fields an accepted delivery of this event always has read, by their place in the
     * payload, that hold what is no login (blank, padded) or no commit (not 40 or 64 hex): an accepted delivery must
     * have none.
     */
    static List<String> identityProblems(Mutator.Mode mode, String event, JsonNode json) {
        List<String> problems = new ArrayList<>();
        switch (mode) {
            case GITHUB_JSON, GITHUB_FORM -> {
                switch (event) {
                    case "pull_request" -> {
                        login(json, "/pull_request/user/login", problems);
                        sha(json, "/pull_request/head/sha", problems);
                        login(json, "/sender/login", problems);
                    }
                    case "pull_request_review" -> {
                        login(json, "/review/user/login", problems);
                        login(json, "/pull_request/user/login", problems);
                        sha(json, "/review/commit_id", problems);
                    }
                    case "push" -> {
                        sha(json, "/before", problems);
                        sha(json, "/after", problems);
                        login(json, "/sender/login", problems);
                        for (int i = 0; i < json.path("commits").size(); i++) {
                            sha(json, "/commits/" + i + "/id", problems);
                        }
                    }
                    case "check_run", "check_suite", "workflow_run", "workflow_job" ->
                            sha(json, "/" + event + "/head_sha", problems);
                    case "status" -> sha(json, "/sha", problems);
                    case "deployment", "deployment_status" -> {
                        sha(json, "/deployment/sha", problems);
                        login(json, "/deployment/creator/login", problems);
                    }
                    default -> { }
                }
            }
            case GITLAB -> {
                switch (event) {
                    case "Merge Request Hook" -> {
                        login(json, "/user/username", problems);
                        sha(json, "/object_attributes/last_commit/id", problems);
                    }
                    case "Pipeline Hook" -> sha(json, "/object_attributes/sha", problems);
                    case "Job Hook" -> sha(json, "/sha", problems);
                    case "Deployment Hook" -> login(json, "/user/username", problems);
                    case "Push Hook" -> {
                        sha(json, "/before", problems);
                        sha(json, "/after", problems);
                        login(json, "/user_username", problems);
                        for (int i = 0; i < json.path("commits").size(); i++) {
                            sha(json, "/commits/" + i + "/id", problems);
                        }
                    }
                    default -> { }
                }
            }
            case JENKINS -> sha(json, "/build/scm/commit", problems);
            case CE_BINARY -> cdevent(json, problems);
            case CE_STRUCTURED -> cdevent(json.path("data"), problems);
            case CE_BATCH -> json.forEach(event1 -> cdevent(event1.path("data"), problems));
        }
        return problems;
    }

    private static void cdevent(JsonNode cdevent, List<String> problems) {
        String type = cdevent.at("/context/type").asText("");
        if (!READ.matcher(type).matches()) {
            return; // a CDEvent Oversight does not read: nothing of it is read
        }
        sha(cdevent, "/customData/sha", problems);
        if (type.contains(".change.")) {
            login(cdevent, "/customData/author", problems);
        }
        if (type.contains(".change.reviewed.")) {
            login(cdevent, "/customData/reviewer", problems);
        }
    }

    private static void login(JsonNode json, String pointer, List<String> problems) {
        JsonNode node = json.at(pointer);
        if (node.isTextual() && (node.textValue().isBlank() || !node.textValue().equals(node.textValue().strip()))) {
            problems.add(pointer + " is no login: '" + node.textValue() + "'");
        }
    }

    private static void sha(JsonNode json, String pointer, List<String> problems) {
        JsonNode node = json.at(pointer);
        if (node.isValueNode() && !node.isNull() && !SHA.matcher(node.asText()).matches()) {
            problems.add(pointer + " is no commit: '" + node.asText() + "'");
        }
    }

    /**
     * What is wrong with an evidence record as written to its topic: unreadable by the topic's serde, not read back
     * the same by the Smile serde of policy-stream's state, refused by the event-model's definition, or (checked
     * here apart from it) a blank or padded login, a sha that is none, a time outside the years 1970 to 9999, a
     * string that is not well-formed.
     */
    static List<String> recordProblems(byte[] value) {
        List<String> problems = new ArrayList<>();
        Evidence evidence;
        try {
            evidence = Topics.REVIEWS.valueSerde().deserializer().deserialize("evidence", value);
        } catch (RuntimeException e) {
            problems.add("the topic serde cannot read it: " + e.getMessage());
            return problems;
        }
        try {
            Evidence again = STATE.deserializer().deserialize("state", STATE.serializer().serialize("state",
                    evidence));
            if (!evidence.equals(again)) {
                problems.add("the state serde reads back " + again);
            }
        } catch (RuntimeException e) {
            problems.add("the state serde cannot hold it: " + e);
        }
        EvidenceRules.check(evidence).forEach(p -> problems.add("EvidenceRules: " + p));
        String text = new String(value, StandardCharsets.UTF_8);
        if (!wellFormed(text)) {
            problems.add("a string is not well-formed");
        }
        int year = evidence.occurredAt() == null ? 0 : evidence.occurredAt().atOffset(ZoneOffset.UTC).getYear();
        if (year < 1970 || year > 9999) {
            problems.add("occurredAt " + evidence.occurredAt() + " is outside the years 1970 to 9999");
        }
        for (Actor actor : actors(evidence)) {
            if (actor != null && (actor.login() == null || actor.login().isBlank()
                    || !actor.login().equals(actor.login().strip()))) {
                problems.add("an actor's login is '" + actor.login() + "'");
            }
        }
        for (String sha : shas(evidence)) {
            if (sha != null && !SHA.matcher(sha).matches()) {
                problems.add("'" + sha + "' is no commit sha");
            }
        }
        return problems;
    }

    private static List<Actor> actors(Evidence evidence) {
        return evidence.accept(new Evidence.Visitor<>() {
            public List<Actor> change(ChangeEvent e) { return nullable(e.author(), e.actor(), e.mergedBy()); }

            public List<Actor> review(ReviewEvent e) { return nullable(e.reviewer(), e.changeAuthor()); }

            public List<Actor> push(PushEvent e) { return nullable(e.pusher()); }

            public List<Actor> ci(CiResult e) { return List.of(); }

            public List<Actor> artifact(ArtifactEvent e) { return List.of(); }

            public List<Actor> deploy(DeployEvent e) { return nullable(e.deployer()); }
        });
    }

    private static List<String> shas(Evidence evidence) {
        return evidence.accept(new Evidence.Visitor<>() {
            public List<String> change(ChangeEvent e) {
                return nullable(e.headSha(), e.previousHeadSha(), e.mergeSha());
            }

            public List<String> review(ReviewEvent e) { return nullable(e.commitSha()); }

            public List<String> push(PushEvent e) {
                List<String> shas = new ArrayList<>(nullable(e.before(), e.after()));
                e.commits().forEach(c -> shas.add(c.sha()));
                return shas;
            }

            public List<String> ci(CiResult e) { return nullable(e.sha()); }

            public List<String> artifact(ArtifactEvent e) { return nullable(e.sha()); }

            public List<String> deploy(DeployEvent e) { return nullable(e.sha()); }
        });
    }

    /** The values, nulls included (a list of them, unlike {@code List.of}). */
    @SafeVarargs
    private static <T> List<T> nullable(T... values) {
        List<T> list = new ArrayList<>(values.length);
        for (T value : values) {
            list.add(value);
        }
        return list;
    }
}
