package dev.oversight.ingest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Evidence;
import dev.oversight.events.EvidenceRules;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.PayloadReader;
import dev.oversight.ingest.cloudevents.CdEventsNormalizer;
import dev.oversight.ingest.cloudevents.CloudEvent;
import dev.oversight.ingest.cloudevents.CloudEventReader;
import dev.oversight.ingest.fuzz.Mutator.Case;
import dev.oversight.ingest.fuzz.Mutator.Mode;
import dev.oversight.ingest.github.GitHubNormalizer;
import dev.oversight.ingest.gitlab.GitLabNormalizer;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.ingest.jenkins.JenkinsNormalizer;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The reading and normalizing of every source alone, without HTTP or Kafka, over many more mutated real payloads
 * than the HTTP fuzz test sends (the same {@link Mutator}): reading a body either refuses it as the sender's error
 * ({@link MalformedPayloadException}, {@link Rejection}) or yields evidence; never anything else (which the route
 * would have to answer as a fault of its own). A body that is not JSON text one may accept is always refused; what
 * is read from the others, and passes the event-model's definition (as the route checks), is what the readers
 * downstream read back, with the identities and commits the rules rely on well-formed.
 */
class NormalizerFuzzTest {

    /** Cases per run; {@code -Dfuzz.normalizerCases=…} for more. */
    private static final int CASES = Integer.getInteger("fuzz.normalizerCases", 20_000);
    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void readingABodyRefusesItOrYieldsEvidenceTheReadersCanRead() {
        long seed = Long.getLong("fuzz.seed", 20261201L); // fixed, so CI is repeatable; explore with -Dfuzz.seed=…
        System.out.println("NormalizerFuzzTest seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Mutator mutator = new Mutator(Seeds.all(), "unit-");
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CASES && failures.size() < 20; i++) {
            Case c = mutator.next(seed, i);
            if (c.mode() == Mode.GITHUB_FORM) {
                continue; // the form is the HTTP test's (the source decodes it); its payload is read as JSON here too
            }
            String outcome;
            List<Normalized> read;
            try {
                read = read(c);
                outcome = "read";
            } catch (MalformedPayloadException | Rejection e) {
                read = null;
                outcome = "refused";
            } catch (RuntimeException | StackOverflowError e) {
                failures.add(c.describe() + ": threw " + e);
                continue;
            }
            if (read != null) {
                Oracle.Body body = Oracle.inspect(c.json());
                if (body.problem() != null) {
                    failures.add(c.describe() + ": the body has " + body.problem() + ", yet it was read");
                    continue;
                }
                outcome = check(c, body.json(), read, failures);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("NormalizerFuzzTest: " + outcomes);
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(outcomes.get("accepted")).as("accepted").isGreaterThan(CASES / 10);
        assertThat(outcomes.get("refused")).as("refused").isGreaterThan(CASES / 10);
    }

    /** What the source of the case reads from it, as its {@code read} does (without the HTTP request). */
    private static List<Normalized> read(Case c) {
        String id = c.deliveryIds().get(0);
        return switch (c.mode()) {
            case GITHUB_JSON, GITHUB_FORM -> List.of(GitHubNormalizer.normalize(c.event(), id,
                    PayloadReader.parse(c.json()), RECEIVED));
            case GITLAB -> List.of(GitLabNormalizer.normalize(c.event(), id, PayloadReader.parse(c.json()), RECEIVED));
            case JENKINS -> {
                JsonNode json = PayloadReader.parse(c.json());
                yield List.of(JenkinsNormalizer.normalize(id, json, RECEIVED));
            }
            default -> {
                MultiMap headers = MultiMap.caseInsensitiveMultiMap();
                c.headers().forEach(headers::add);
                List<Normalized> all = new ArrayList<>();
                for (CloudEvent event : CloudEventReader.read(c.headers().get("Content-Type"), headers, c.json())) {
                    all.add(CdEventsNormalizer.normalize(event, RECEIVED));
                }
                yield all;
            }
        };
    }

    /**
     * Checks what was read; returns the outcome: "ignored", "invalid record" (the route refuses it), or "accepted"
     * (the route writes it).
     */
    private static String check(Case c, JsonNode json, List<Normalized> read, List<String> failures) {
        List<Evidence> evidence = new ArrayList<>();
        for (Normalized normalized : read) {
            if (normalized instanceof Normalized.Accepted accepted) {
                evidence.addAll(accepted.evidence());
            }
        }
        if (evidence.isEmpty()) {
            return "ignored";
        }
        if (evidence.stream().anyMatch(e -> !EvidenceRules.check(e).isEmpty())) {
            return "invalid record";
        }
        List<String> identity = Oracle.identityProblems(c.mode(), c.event(), json);
        if (!identity.isEmpty()) {
            failures.add(c.describe() + ": accepted with " + identity);
        }
        for (Evidence e : evidence) {
            List<String> problems = Oracle.recordProblems(Topics.forEvidence(e).valueSerde().serializer()
                    .serialize("evidence", e));
            if (!problems.isEmpty()) {
                failures.add(c.describe() + ": " + problems + " in " + e);
            }
        }
        return "accepted";
    }
}
