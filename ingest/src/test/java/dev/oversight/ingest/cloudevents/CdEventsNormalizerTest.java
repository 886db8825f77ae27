package dev.oversight.ingest.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.events.CiResult.CiSystem;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.DeployEvent.DeployState;
import dev.oversight.events.Evidence;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.Payloads;
import dev.oversight.ingest.http.Rejection;
import dev.oversight.events.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CDEvents specification's conformance examples of 0.4.1, 0.5.1 and 0.6.0-draft (test resources cdevents/, see
 * ORIGIN.md), each carried by a CloudEvent whose attributes agree with its context.
 */
class CdEventsNormalizerTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");
    private static final String ID = "271069a8-fc18-44f1-b38f-9d70a1695819";
    private static final Instant AT = Instant.parse("2023-03-20T14:27:05.315384Z");
    private static final String PRODUCER = "cdevents:/event/source/123";
    private static final String REPOSITORY = "https://example.org/TestRepo/TestOrg";

    /** A conformance example as the data of a CloudEvent that names the same id, source and type. */
    static CloudEvent carried(JsonNode cdevent) {
        JsonNode context = cdevent.get("context");
        return new CloudEvent("1.0", context.get("id").asText(), context.get("source").asText(),
                context.get("type").asText(), null, cdevent, Payloads.toBytes(cdevent));
    }

    private static Evidence only(String version, String file) {
        return only(Payloads.json("cdevents/" + version + "/" + file + ".json"));
    }

    private static Evidence only(JsonNode cdevent) {
        Normalized normalized = CdEventsNormalizer.normalize(carried(cdevent), RECEIVED);
        assertThat(normalized).isInstanceOf(Normalized.Accepted.class);
        Normalized.Accepted accepted = (Normalized.Accepted) normalized;
        assertThat(accepted.evidence()).hasSize(1);
        Evidence e = accepted.evidence().get(0);
        assertThat(e.repository()).isEqualTo(accepted.repository());
        assertThat(e.deliveryId()).isEqualTo(cdevent.at("/context/id").asText());
        assertThat(e.occurredAt()).isEqualTo(AT);
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void changes(String version) {
        ChangeEvent created = (ChangeEvent) only(version, "change_created");
        assertThat(created.action()).isEqualTo(ChangeAction.OPENED);
        assertThat(created.repository()).isEqualTo(REPOSITORY);
        assertThat(created.changeId()).isEqualTo(REPOSITORY + "#mySubject123");
        assertThat(created.title()).isEqualTo("This PR address a bug from a recent PR");
        assertThat(created.author()).isNull();
        assertThat(created.headSha()).isNull();
        assertThat(((ChangeEvent) only(version, "change_updated")).action()).isEqualTo(ChangeAction.UPDATED);
        ChangeEvent merged = (ChangeEvent) only(version, "change_merged");
        assertThat(merged.action()).isEqualTo(ChangeAction.MERGED);
        assertThat(merged.changeId()).isEqualTo(REPOSITORY + "#mySubject123");
        assertThat(merged.mergeSha()).isNull();
        assertThat(((ChangeEvent) only(version, "change_abandoned")).action()).isEqualTo(ChangeAction.CLOSED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void aReviewWithoutOutcomeIsAComment(String version) {
        ReviewEvent e = (ReviewEvent) only(version, "change_reviewed");
        assertThat(e.state()).isEqualTo(ReviewState.COMMENTED);
        assertThat(e.reviewer()).isNull();
        assertThat(e.changeId()).isEqualTo(REPOSITORY + "#mySubject123");
        assertThat(e.reviewId()).isEqualTo(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void pipelineRuns(String version) {
        CiResult finished = (CiResult) only(version, "pipelinerun_finished");
        assertThat(finished.system()).isEqualTo(CiSystem.PIPELINE);
        assertThat(finished.repository()).isEqualTo(PRODUCER);
        assertThat(finished.name()).isEqualTo("myPipeline");
        assertThat(finished.runId()).isEqualTo("mySubject123");
        assertThat(finished.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(finished.conclusion()).isEqualTo(CiConclusion.FAILURE);
        assertThat(finished.url()).isEqualTo("https://www.example.com/mySubject123");
        assertThat(finished.sha()).isNull();
        assertThat(((CiResult) only(version, "pipelinerun_queued")).status()).isEqualTo(CiStatus.QUEUED);
        CiResult started = (CiResult) only(version, "pipelinerun_started");
        assertThat(started.status()).isEqualTo(CiStatus.IN_PROGRESS);
        assertThat(started.conclusion()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void testRuns(String version) {
        CiResult suite = (CiResult) only(version, "testsuiterun_finished");
        assertThat(suite.system()).isEqualTo(CiSystem.TEST_SUITE);
        assertThat(suite.name()).isEqualTo("Auth TestSuite");
        assertThat(suite.runId()).isEqualTo("myTestSuiteRun123");
        // "fail" in 0.4, "failure" from 0.5
        assertThat(suite.conclusion()).isEqualTo(CiConclusion.FAILURE);
        assertThat(((CiResult) only(version, "testsuiterun_queued")).status()).isEqualTo(CiStatus.QUEUED);
        assertThat(((CiResult) only(version, "testsuiterun_started")).status()).isEqualTo(CiStatus.IN_PROGRESS);
        CiResult testCase = (CiResult) only(version, "testcaserun_finished");
        assertThat(testCase.system()).isEqualTo(CiSystem.TEST_CASE);
        assertThat(testCase.name()).isEqualTo("Login Test");
        // "pass" in 0.4, "success" from 0.5
        assertThat(testCase.conclusion()).isEqualTo(CiConclusion.SUCCESS);
        assertThat(((CiResult) only(version, "testcaserun_queued")).status()).isEqualTo(CiStatus.QUEUED);
        assertThat(((CiResult) only(version, "testcaserun_started")).status()).isEqualTo(CiStatus.IN_PROGRESS);
        CiResult skipped = (CiResult) only(version, "testcaserun_skipped");
        assertThat(skipped.status()).isEqualTo(CiStatus.COMPLETED);
        assertThat(skipped.conclusion()).isEqualTo(CiConclusion.SKIPPED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void artifactPackagedTiesTheArtifactToItsChange(String version) {
        ArtifactEvent e = (ArtifactEvent) only(version, "artifact_packaged");
        assertThat(e.artifactId()).isEqualTo("pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c");
        assertThat(e.repository()).isEqualTo(PRODUCER);
        assertThat(e.changeId()).isEqualTo(PRODUCER + "#myChange123");
        assertThat(e.sha()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.4.1", "v0.5.1", "main"})
    void serviceEventsKeepTheirArtifact(String version) {
        DeployEvent deployed = (DeployEvent) only(version, "service_deployed");
        assertThat(deployed.state()).isEqualTo(DeployState.SUCCEEDED);
        assertThat(deployed.repository()).isEqualTo(PRODUCER);
        assertThat(deployed.deployId()).isEqualTo(PRODUCER + "/deployments/" + ID);
        assertThat(deployed.environment()).isEqualTo("test123");
        assertThat(deployed.service()).isEqualTo("mySubject123");
        assertThat(deployed.artifactId())
                .isEqualTo("pkg:oci/myapp@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427");
        assertThat(deployed.sha()).isNull();
        assertThat(((DeployEvent) only(version, "service_upgraded")).state()).isEqualTo(DeployState.SUCCEEDED);
        assertThat(((DeployEvent) only(version, "service_rolledback")).state()).isEqualTo(DeployState.ROLLED_BACK);
    }

    /** Every example of the version: the 19 types Oversight reads become evidence, the others are ignored. */
    @ParameterizedTest
    @CsvSource({"v0.4.1, 45", "v0.5.1, 45", "main, 48"})
    void everyConformanceExampleIsReadOrIgnored(String version, int examples) throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(CdEventsNormalizerTest.class.getResource("/cdevents/" + version)
                .toURI()))) {
            files = listing.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSize(examples);
        int read = 0;
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".json", "").replace('_', '.');
            Normalized normalized = CdEventsNormalizer.normalize(carried(Json.mapper().readTree(file.toFile())),
                    RECEIVED);
            if (CdEventsNormalizer.EVENTS.contains(name)) {
                assertThat(normalized).as(name).isInstanceOf(Normalized.Accepted.class);
                read++;
            } else {
                assertThat(normalized).as(name).isInstanceOfSatisfying(Normalized.Ignored.class,
                        i -> assertThat(i.reason()).contains("is not used by Oversight"));
            }
        }
        assertThat(read).isEqualTo(19);
    }

    @Test
    void customDataNamesTheRepositoryCommitAndPeople() {
        ObjectNode merged = Payloads.object("cdevents/v0.5.1/change_merged.json");
        merged.putObject("customData").put("repository", "https://github.com/acme/payments")
                .put("sha", "e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6").put("author", "carol");
        ChangeEvent e = (ChangeEvent) only(merged);
        assertThat(e.repository()).isEqualTo("github:acme/payments");
        assertThat(e.changeId()).isEqualTo("github:acme/payments#mySubject123");
        assertThat(e.mergeSha()).isEqualTo("e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
        assertThat(e.author().login()).isEqualTo("carol");

        ObjectNode reviewed = Payloads.object("cdevents/v0.5.1/change_reviewed.json");
        reviewed.putObject("customData").put("reviewer", "dave").put("state", "approved").put("author", "carol");
        ReviewEvent review = (ReviewEvent) only(reviewed);
        assertThat(review.state()).isEqualTo(ReviewState.APPROVED);
        assertThat(review.reviewer().login()).isEqualTo("dave");
        assertThat(review.changeAuthor().login()).isEqualTo("carol");

        ObjectNode packaged = Payloads.object("cdevents/v0.4.1/artifact_packaged.json");
        packaged.putObject("customData").put("repository", "github:acme/payments")
                .put("sha", "e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
        ArtifactEvent artifact = (ArtifactEvent) only(packaged);
        assertThat(artifact.repository()).isEqualTo("github:acme/payments");
        assertThat(artifact.changeId()).isEqualTo("github:acme/payments#myChange123");
        assertThat(artifact.sha()).isEqualTo("e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
    }

    @Test
    void aReviewSaysWhetherTheChangeWasMergedOnlyWhenTheProducerDoes() {
        // The conformance example says nothing of it (CDEvents has no such field): null. customData added.
        assertThat(((ReviewEvent) only("v0.5.1", "change_reviewed")).changeMerged()).isNull();
        for (boolean merged : new boolean[] {true, false}) {
            ObjectNode reviewed = Payloads.object("cdevents/v0.5.1/change_reviewed.json");
            reviewed.putObject("customData").put("reviewer", "dave").put("state", "approved").put("merged", merged);
            assertThat(((ReviewEvent) only(reviewed)).changeMerged()).isEqualTo(merged);
        }
        ObjectNode unreadable = Payloads.object("cdevents/v0.5.1/change_reviewed.json");
        unreadable.putObject("customData").put("merged", "yesterday");
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(carried(unreadable), RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("customData.merged");
    }

    @Test
    void anApprovalMustNameItsReviewer() {
        ObjectNode reviewed = Payloads.object("cdevents/v0.5.1/change_reviewed.json");
        reviewed.putObject("customData").put("state", "approved");
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(carried(reviewed), RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("customData.reviewer");
    }

    @Test
    void aCloudEventIdOtherThanTheContextIdIsRefused() {
        JsonNode cdevent = Payloads.json("cdevents/v0.5.1/service_deployed.json");
        CloudEvent mismatched = new CloudEvent("1.0", "another-id", "/event/source/123",
                "dev.cdevents.service.deployed.0.3.0", null, cdevent, Payloads.toBytes(cdevent));
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(mismatched, RECEIVED))
                .isInstanceOfSatisfying(Rejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.getMessage()).isEqualTo("the CloudEvents id 'another-id' differs from the CDEvents "
                            + "context.id '" + ID + "'");
                });
    }

    @Test
    void aCloudEventTypeOtherThanTheContextTypeIsRefused() {
        JsonNode cdevent = Payloads.json("cdevents/v0.5.1/service_deployed.json");
        CloudEvent mismatched = new CloudEvent("1.0", ID, "/event/source/123", "dev.cdevents.service.removed.0.3.0",
                null, cdevent, Payloads.toBytes(cdevent));
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(mismatched, RECEIVED))
                .isInstanceOf(Rejection.class).hasMessageContaining("context.type");
    }

    @Test
    void versionsOutsideZeroFourToZeroSixAreRefused() {
        ObjectNode old = Payloads.object("cdevents/v0.4.1/service_deployed.json");
        ((ObjectNode) old.get("context")).put("version", "0.3.0");
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(carried(old), RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("CDEvents 0.3.0 is not supported (0.4 to 0.6 are)");
    }

    @Test
    void otherCloudEventsAreIgnored() {
        JsonNode data = Payloads.json("cdevents/v0.5.1/service_deployed.json");
        CloudEvent other = new CloudEvent("1.0", "1", "/s", "com.example.something", null, data, new byte[0]);
        assertThat(CdEventsNormalizer.normalize(other, RECEIVED)).isInstanceOf(Normalized.Ignored.class);
        assertThat(CdEventsNormalizer.tag("com.example.something")).isEqualTo("other");
        assertThat(CdEventsNormalizer.tag("dev.cdevents.service.deployed.0.3.0")).isEqualTo("service.deployed");
        assertThat(CdEventsNormalizer.tag("dev.cdevents.ticket.created.0.1.0")).isEqualTo("other");
    }

    private static void refused(ObjectNode cdevent, String message) {
        assertThatThrownBy(() -> CdEventsNormalizer.normalize(carried(cdevent), RECEIVED))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(message);
    }

    /** A person or commit the producer names in customData must be one: an empty reviewer approves nothing. */
    @Test
    void customDataNamesRealPeopleAndFullShas() {
        ObjectNode approval = Payloads.object("cdevents/v0.5.1/change_reviewed.json");
        approval.putObject("customData").put("reviewer", "").put("state", "approved");
        refused(approval, "field customData.reviewer is blank");
        ObjectNode author = Payloads.object("cdevents/v0.5.1/change_created.json");
        author.putObject("customData").put("author", "  ");
        refused(author, "field customData.author is blank");
        ObjectNode deployed = Payloads.object("cdevents/v0.5.1/service_deployed.json");
        deployed.putObject("customData").put("sha", "e106645");
        refused(deployed, "field customData.sha is not a commit sha");
        ObjectNode finished = Payloads.object("cdevents/v0.5.1/pipelinerun_finished.json");
        finished.putObject("customData").put("sha", "");
        refused(finished, "field customData.sha is not a commit sha");
    }

    @Test
    void aTimestampOutsideTheYears1970To9999IsRefused() {
        ObjectNode far = Payloads.object("cdevents/v0.5.1/service_deployed.json");
        ((ObjectNode) far.get("context")).put("timestamp", "+1000000000-01-01T00:00:00Z");
        refused(far, "field context.timestamp is +1000000000-01-01T00:00:00Z, a time outside the years 1970 to 9999");
        ObjectNode none = Payloads.object("cdevents/v0.5.1/service_deployed.json");
        ((ObjectNode) none.get("context")).put("timestamp", "now");
        refused(none, "field context.timestamp is not a time");
    }
}
