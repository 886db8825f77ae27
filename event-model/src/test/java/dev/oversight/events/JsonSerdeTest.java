package dev.oversight.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.JsonSerde;
import dev.oversight.events.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:15:30Z");
    private final JsonSerde<Evidence> serde = JsonSerde.of(Evidence.class);

    @Test
    void roundTripsEveryKindOfEvidenceWithItsKindField() {
        List<Evidence> all = List.of(
                new ChangeEvent(1, Source.GITHUB, "github:acme/pay", "d1", AT, ChangeAction.MERGED, "github:acme/pay#4",
                        4, "Fix", "https://x", Actor.human("alice"), Actor.human("bob"), "a".repeat(40), null, "fix",
                        "main", "b".repeat(40), Actor.human("bob"), List.of("break-glass")),
                new ReviewEvent(1, Source.GITHUB, "github:acme/pay", "d2", AT, "github:acme/pay#4", 4, "99",
                        Actor.of("renovate[bot]", "Bot"), ReviewState.APPROVED, "a".repeat(40), Actor.human("alice"), null),
                new PushEvent(1, Source.GITLAB, "gitlab:g/p", "d3", AT, "main", "0".repeat(40), "c".repeat(40), true,
                        false, false, Actor.human("carol"), List.of(new PushEvent.PushedCommit("c".repeat(40), "carol",
                        "msg", List.of("a.txt"), List.of(), List.of("b.txt")))),
                new CiResult(1, Source.JENKINS, "github:acme/pay", "d4", AT, "c".repeat(40), "build",
                        CiResult.CiSystem.BUILD, "17", 2, CiResult.CiStatus.COMPLETED, CiResult.CiConclusion.FAILURE,
                        "main", null),
                new ArtifactEvent(1, Source.CDEVENTS, "repo", "d5", AT, "pkg:oci/app@sha256:1", "c".repeat(40), null),
                new DeployEvent(1, Source.GITHUB, "github:acme/pay", "d6", AT, "github:acme/pay/deployments/1",
                        "production", "pay", "c".repeat(40), "main", null, DeployEvent.DeployState.SUCCEEDED,
                        Actor.human("dave"), null, null, List.of("emergency"), null));
        for (Evidence evidence : all) {
            byte[] bytes = serde.serializer().serialize("t", evidence);
            JsonNode json = Json.fromBytes(bytes, JsonNode.class);
            assertThat(json.get("kind").asText()).isEqualTo(evidence.kind());
            assertThat(json.get("schema").asInt()).isEqualTo(1);
            assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(evidence);
        }
    }

    @Test
    void readsRecordsWithFieldsItDoesNotKnow() {
        String newer = """
                {"kind":"ci","schema":1,"source":"github","repository":"github:a/b","deliveryId":"d",
                 "occurredAt":"2026-11-20T10:15:30Z","sha":"abc","name":"build","system":"STATUS","runId":"1",
                 "attempt":1,"status":"COMPLETED","conclusion":"SUCCESS","addedInSchema2":{"x":1}}""";
        Evidence read = serde.deserializer().deserialize("t", newer.getBytes(StandardCharsets.UTF_8));
        assertThat(read).isInstanceOf(CiResult.class);
        assertThat(((CiResult) read).conclusion()).isEqualTo(CiResult.CiConclusion.SUCCESS);
    }

    @Test
    void saysWhatIsWrongWithAnUnreadableRecord() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("oversight.ci", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read Evidence from oversight.ci");
    }

    @Test
    void verdictCarriesTheContractFields() {
        Verdict verdict = new Verdict(1, Verdict.verdictId("github:a/b/deployments/9", 2), 2, "github:a/b/deployments/9",
                "github:a/b", "b", "production", "c".repeat(40), null, VerdictStatus.VIOLATION,
                List.of(new Verdict.Reason(ReasonCode.SELF_APPROVAL, "change #4 was approved only by its author")),
                List.of(), List.of(), new Verdict.PolicyRef("p", "sha256:00"), AT, AT, "dave", null, null, null,
                List.of("d1"));
        JsonNode json = Json.fromBytes(Topics.VERDICTS.valueSerde().serializer().serialize("t", verdict), JsonNode.class);
        assertThat(json.get("verdictId").asText()).isEqualTo("github:a/b/deployments/9@2");
        assertThat(json.get("status").asText()).isEqualTo("VIOLATION");
        assertThat(json.get("reasons").get(0).get("code").asText()).isEqualTo("SELF_APPROVAL");
        assertThat(json.get("previousSha").isNull()).isTrue();
        assertThat(json.get("decidedAt").asText()).isEqualTo("2026-11-20T10:15:30Z");
        assertThat(json.get("policy").get("version").asText()).isEqualTo("sha256:00");
    }

    @Test
    void routesEvidenceToTheTopicOfItsKind() {
        Evidence review = new ReviewEvent(1, Source.GITHUB, "r", "d", AT, "c", 1, "1", Actor.human("a"),
                ReviewState.APPROVED, null, null, null);
        Evidence deploy = new DeployEvent(1, Source.GITHUB, "r", "d", AT, "x", "production", null, "s", null, null,
                DeployEvent.DeployState.SUCCEEDED, null, null, null, List.of(), null);
        assertThat(Topics.forEvidence(review)).isSameAs(Topics.REVIEWS);
        assertThat(Topics.forEvidence(deploy)).isSameAs(Topics.DEPLOYS);
        assertThat(Topics.RAW.withPrefix("acme.").name()).isEqualTo("acme.raw");
    }
}
