package dev.oversight.ingest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.fuzz.Mutator.Case;
import dev.oversight.ingest.fuzz.Mutator.Mode;
import dev.oversight.ingest.github.GitHubNormalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * GitHub bodies are read with only the fields the normalizer uses built into a tree
 * ({@link GitHubNormalizer#fields}); that reading must say exactly what reading the whole tree says: the same
 * evidence (every field of every record), the same reason to ignore, or the same refusal with the same message. On
 * every real GitHub payload of the test corpus under every event type, and on mutated ones (the fuzz tests'
 * {@link Mutator}: keys twice, broken JSON, wrong types, missing fields, bad UTF-8, …).
 */
class GitHubFieldsTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");
    private static final int CASES = Integer.getInteger("fuzz.fieldsCases", 20_000);

    /**
     * Each payload also as it would be in the branches of the normalizer that the corpus alone does not reach (a
     * merged pull request, a pushed branch, a dismissed review, …): changed where its objects have the field's parent.
     */
    private static final List<Map<String, JsonNode>> VARIANTS = List.of(
            Map.of(),
            Map.of("/action", TextNode.valueOf("closed"), "/pull_request/merged", BooleanNode.TRUE),
            Map.of("/action", TextNode.valueOf("closed"), "/pull_request/merged", BooleanNode.FALSE,
                    "/pull_request/merged_at", NullNode.getInstance()),
            Map.of("/action", TextNode.valueOf("synchronize"), "/deleted", BooleanNode.TRUE),
            Map.of("/action", TextNode.valueOf("dismissed"), "/review/state", TextNode.valueOf("dismissed")),
            Map.of("/action", TextNode.valueOf("submitted"), "/review/state", TextNode.valueOf("changes_requested"),
                    "/pull_request/state", TextNode.valueOf("closed")),
            Map.of("/action", TextNode.valueOf("completed"), "/check_run/status", TextNode.valueOf("in_progress"),
                    "/workflow_run/name", TextNode.valueOf(""), "/check_suite/app", NullNode.getInstance()),
            Map.of("/deployment/payload", TextNode.valueOf("{\"service\":\"api\",\"hotfix\":true}"),
                    "/deployment_status/environment", NullNode.getInstance(), "/state", TextNode.valueOf("pending")),
            Map.of("/ref", TextNode.valueOf("refs/heads/main"), "/repository/pushed_at", IntNode.valueOf(1700000000),
                    "/pusher/name", TextNode.valueOf("someone"), "/sender", NullNode.getInstance()));

    private static JsonNode changed(JsonNode body, Map<String, JsonNode> change) {
        JsonNode copy = body.deepCopy();
        change.forEach((pointer, value) -> {
            JsonPointer at = JsonPointer.compile(pointer);
            if (copy.at(at.head()) instanceof ObjectNode parent) {
                parent.set(at.last().getMatchingProperty(), value);
            }
        });
        return copy;
    }

    /** What reading and normalizing a body gives, as text: the evidence, the reason ignored, or the refusal. */
    private static String read(String event, byte[] body, boolean pruned) {
        try {
            JsonNode json = pruned ? PayloadReader.parse(body, "body", GitHubNormalizer.fields(event))
                    : PayloadReader.parse(body);
            return "read " + GitHubNormalizer.normalize(event, "delivery-1", json, RECEIVED);
        } catch (MalformedPayloadException e) {
            return "refused " + e.getMessage();
        }
    }

    @Test
    void everyRealPayloadGivesTheSameEvidenceUnderEveryEventType() throws Exception {
        List<String> events = Stream.concat(GitHubNormalizer.EVENTS.stream(), Stream.of("ping", "issues")).sorted()
                .toList();
        Map<String, Integer> outcomes = new TreeMap<>();
        int compared = 0;
        for (Seeds.Seed seed : Seeds.all()) {
            if (seed.route() != Seeds.Route.GITHUB) {
                continue;
            }
            List<byte[]> bodies = new ArrayList<>();
            bodies.add(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(seed.body()));
            for (Map<String, JsonNode> change : VARIANTS) {
                bodies.add(Json.toBytes(changed(seed.body(), change)));
            }
            for (String event : events) {
                for (byte[] body : bodies) {
                    String whole = read(event, body, false);
                    assertThat(read(event, body, true)).as("%s as %s", seed.resource(), event).isEqualTo(whole);
                    compared++;
                    if (event.equals(seed.event())) {
                        outcomes.merge(whole.substring(0, whole.indexOf(' ')) + " " + (whole.contains("Accepted")
                                ? "accepted" : whole.contains("Ignored") ? "ignored" : ""), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("GitHubFieldsTest: " + compared + " readings compared; own event types: " + outcomes);
        // The corpus is mostly evidence: a comparison of refusals alone would prove little.
        assertThat(outcomes.get("read accepted")).isGreaterThan(500);
    }

    @Test
    void mutatedPayloadsAreReadOrRefusedAlike() {
        long seed = Long.getLong("fuzz.seed", 20261202L);
        Mutator mutator = new Mutator(Seeds.all(), "fields-");
        List<String> differences = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CASES && differences.size() < 10; i++) {
            Case c = mutator.next(seed, i);
            if (c.mode() != Mode.GITHUB_JSON && c.mode() != Mode.GITHUB_FORM || c.event() == null) {
                continue;
            }
            String whole = read(c.event(), c.json(), false);
            String pruned = read(c.event(), c.json(), true);
            if (!pruned.equals(whole)) {
                differences.add(c.describe() + ":\n  whole tree: " + whole + "\n  fields:     " + pruned);
            }
            outcomes.merge(whole.startsWith("refused") ? "refused" : "read", 1, Integer::sum);
        }
        System.out.println("GitHubFieldsTest (seed " + seed + "): " + outcomes);
        assertThat(differences).as("seed %d", seed).isEmpty();
        assertThat(outcomes.get("refused")).isGreaterThan(CASES / 20);
        assertThat(outcomes.get("read")).isGreaterThan(CASES / 20);
    }
}
