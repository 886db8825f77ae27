package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.ingest.github.RawSignatureCheck;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every real payload of the test resources through HTTP: each is answered 202 (or 200 "ignored" where the event is
 * not used), and each accepted one is on oversight.raw and on its evidence topic, under its repository, with its
 * delivery id. (The unit tests check every normalized field of the same payloads.)
 */
@ExtendWith(RealKafka.class)
class RealPayloadsIT {

    private static IngestFixture ingest;

    /** What an accepted delivery must have left: the evidence topic, the key, the kind. */
    private record Expected(Topic<String, Evidence> topic, String repository, String kind) {}

    private final Map<String, Expected> expected = new LinkedHashMap<>();
    /** The body of each GitHub delivery sent, by delivery id: its raw record must be it, as GitHub signed it. */
    private final Map<String, byte[]> signedBodies = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ingest = IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix("payloads"), Map.of());
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    private static String status(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).get("status").asText();
    }

    private void accepted(HttpResponse<String> response, String delivery, Topic<String, Evidence> topic,
                          String repository, String kind) throws Exception {
        assertThat(response.statusCode()).as(delivery + ": " + response.body()).isEqualTo(202);
        assertThat(Json.mapper().readTree(response.body()).get("repository").asText()).isEqualTo(repository);
        expected.put(delivery, new Expected(topic, repository, kind));
    }

    @Test
    void everyOctokitExampleOfTheEventsOversightReads() throws Exception {
        Map<String, Integer> acceptedPerEvent = new LinkedHashMap<>();
        Map<String, String> kinds = Map.of("pull_request", "change", "pull_request_review", "review", "push", "push",
                "check_run", "ci", "check_suite", "ci", "workflow_run", "ci", "workflow_job", "ci", "status", "ci",
                "deployment", "deploy", "deployment_status", "deploy");
        for (String event : List.of("pull_request", "pull_request_review", "check_run", "check_suite", "workflow_run",
                "workflow_job", "status", "push", "deployment", "deployment_status", "ping")) {
            acceptedPerEvent.put(event, 0);
            for (JsonNode example : Payloads.octokit(event)) {
                String delivery = UUID.randomUUID().toString();
                byte[] body = Payloads.toBytes(example);
                HttpResponse<String> response = ingest.github(event, delivery, body);
                if (response.statusCode() == 200) {
                    assertThat(status(response)).isEqualTo("ignored");
                    continue;
                }
                signedBodies.put(delivery, body);
                accepted(response, delivery, topic(kinds.get(event)),
                        "github:" + example.at("/repository/full_name").asText(), kinds.get(event));
                acceptedPerEvent.merge(event, 1, Integer::sum);
            }
        }
        // Ignored: pull_request assigned, locked, review_request(ed/_removed), unassigned, unlocked (10); check_run
        // requested_action and rerequested (3); tag pushes (5); ping (4).
        Map<String, Integer> expectedPerEvent = new LinkedHashMap<>();
        expectedPerEvent.put("pull_request", 19);
        expectedPerEvent.put("pull_request_review", 4);
        expectedPerEvent.put("check_run", 6);
        expectedPerEvent.put("check_suite", 9);
        expectedPerEvent.put("workflow_run", 5);
        expectedPerEvent.put("workflow_job", 8);
        expectedPerEvent.put("status", 4);
        expectedPerEvent.put("push", 2);
        expectedPerEvent.put("deployment", 4);
        expectedPerEvent.put("deployment_status", 4);
        expectedPerEvent.put("ping", 0);
        assertThat(acceptedPerEvent).containsExactlyEntriesOf(expectedPerEvent);
        assertAllOnTheTopics();
    }

    @Test
    void everyGitLabAndJenkinsPayload() throws Exception {
        record GitLabPayload(String file, String event, String repository) {}
        List<GitLabPayload> payloads = List.of(
                new GitLabPayload("go-gitlab/merge_request.json", "Merge Request Hook", "gitlab:gitlabhq/gitlab-test"),
                new GitLabPayload("gitlab4j/merge-request-event.json", "Merge Request Hook",
                        "gitlab:gitlabhq/gitlab-test"),
                new GitLabPayload("go-gitlab/pipeline.json", "Pipeline Hook", "gitlab:gitlab-org/gitlab-test"),
                new GitLabPayload("gitlab4j/pipeline-event.json", "Pipeline Hook", "gitlab:gitlab-org/gitlab-test"),
                new GitLabPayload("go-gitlab/job.json", "Job Hook", "gitlab:jsmithy2/release-tools-fake"),
                new GitLabPayload("go-gitlab/build.json", "Job Hook", "gitlab:gitlab-org/gitlab-test"),
                new GitLabPayload("gitlab4j/job-event.json", "Job Hook", "gitlab:gitlab-org/gitlab-test"),
                new GitLabPayload("gitlab4j/build-event.json", "Job Hook", "gitlab:gitlab-org/gitlab-test"),
                new GitLabPayload("docs/deployment.docs.json", "Deployment Hook", "gitlab:root/test-deployment-webhooks"),
                new GitLabPayload("go-gitlab/deployment.json", "Deployment Hook", "gitlab:root/test-deployment-webhooks"),
                new GitLabPayload("gitlab4j/deployment-event.json", "Deployment Hook",
                        "gitlab:root/test-deployment-webhooks"),
                new GitLabPayload("go-gitlab/push.json", "Push Hook", "gitlab:mike/diaspora"),
                new GitLabPayload("gitlab4j/push-event.json", "Push Hook", "gitlab:mike/diaspora"));
        Map<String, String> kinds = Map.of("Merge Request Hook", "change", "Pipeline Hook", "ci", "Job Hook", "ci",
                "Deployment Hook", "deploy", "Push Hook", "push");
        for (GitLabPayload payload : payloads) {
            String uuid = UUID.randomUUID().toString();
            String kind = kinds.get(payload.event());
            accepted(ingest.gitlab(payload.event(), uuid, Payloads.bytes("gitlab/" + payload.file())), uuid,
                    topic(kind), payload.repository(), kind);
        }
        accepted(ingest.jenkins(Payloads.bytes("jenkins/notification-plugin-example.json")),
                "http://localhost:8080/job/asgard/18/#COMPLETED", Topics.CI, "github:evgeny-goldin/asgard", "ci");
        assertAllOnTheTopics();
    }

    /** Every conformance example of every version, alternately in binary and structured mode, each with a new id. */
    @Test
    void everyCdEventsConformanceExample() throws Exception {
        Map<String, String> kinds = new HashMap<>();
        Stream.of("change.created", "change.updated", "change.merged", "change.abandoned").forEach(t -> kinds.put(t, "change"));
        kinds.put("change.reviewed", "review");
        Stream.of("pipelinerun", "testsuiterun", "testcaserun").forEach(s -> Stream.of("queued", "started", "finished",
                "skipped").forEach(p -> kinds.put(s + "." + p, "ci")));
        kinds.put("artifact.packaged", "artifact");
        Stream.of("deployed", "upgraded", "rolledback").forEach(p -> kinds.put("service." + p, "deploy"));
        int sent = 0;
        int read = 0;
        for (String version : List.of("v0.4.1", "v0.5.1", "main")) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(Path.of(RealPayloadsIT.class.getResource("/cdevents/" + version)
                    .toURI()))) {
                files = listing.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
            for (Path file : files) {
                String id = UUID.randomUUID().toString();
                ObjectNode cdevent = (ObjectNode) Json.mapper().readTree(file.toFile());
                ((ObjectNode) cdevent.get("context")).put("id", id);
                String type = cdevent.at("/context/type").asText();
                HttpResponse<String> response = sent++ % 2 == 0
                        ? ingest.events("application/json", Map.of("ce-specversion", "1.0", "ce-id", id,
                                "ce-source", cdevent.at("/context/source").asText(), "ce-type", type),
                                Json.toBytes(cdevent))
                        : ingest.events("application/cloudevents+json", Map.of(),
                                Json.toBytes(Payloads.structured(cdevent)));
                String name = file.getFileName().toString().replace(".json", "").replace('_', '.');
                if (!kinds.containsKey(name)) {
                    assertThat(response.statusCode()).as(version + " " + name).isEqualTo(200);
                    assertThat(status(response)).isEqualTo("ignored");
                    continue;
                }
                String repository = name.startsWith("change.") ? "https://example.org/TestRepo/TestOrg"
                        : "cdevents:/event/source/123";
                accepted(response, id, topic(kinds.get(name)), repository, kinds.get(name));
                read++;
            }
        }
        assertThat(sent).isEqualTo(45 + 45 + 48);
        assertThat(read).isEqualTo(3 * 19);
        assertAllOnTheTopics();
    }

    private static Topic<String, Evidence> topic(String kind) {
        return switch (kind) {
            case "change", "review", "push" -> Topics.REVIEWS;
            case "ci", "artifact" -> Topics.CI;
            default -> Topics.DEPLOYS;
        };
    }

    /** Each expected delivery: one raw record and one evidence record, keyed by its repository, of its kind. */
    private void assertAllOnTheTopics() {
        try (TopicProbe<RawDelivery> probe = ingest.probe(Topics.RAW)) {
            Map<String, ConsumerRecord<String, RawDelivery>> raw = probe.awaitRecords(records -> records.stream()
                            .map(r -> r.value().deliveryId()).collect(Collectors.toSet()).containsAll(expected.keySet()),
                    Duration.ofSeconds(60)).stream().collect(Collectors.toMap(r -> r.value().deliveryId(),
                    Function.identity()));
            expected.forEach((delivery, e) -> assertThat(raw.get(delivery).key()).as(delivery).isEqualTo(e.repository()));
            List<byte[]> secrets = Arrays.stream(ingest.config().githubSecrets().toArray(String[]::new))
                    .map(secret -> secret.getBytes(StandardCharsets.UTF_8)).toList();
            signedBodies.forEach((delivery, body) -> {
                assertThat(raw.get(delivery).value().body()).as(delivery).isEqualTo(body);
                assertThat(RawSignatureCheck.check(raw.get(delivery).value(), secrets).outcome()).as(delivery)
                        .isEqualTo(RawSignatureCheck.Outcome.SIGNED);
            });
        }
        for (Topic<String, Evidence> topic : List.of(Topics.REVIEWS, Topics.CI, Topics.DEPLOYS)) {
            Map<String, Expected> here = expected.entrySet().stream().filter(e -> e.getValue().topic() == topic)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            try (TopicProbe<Evidence> probe = ingest.probe(topic)) {
                List<ConsumerRecord<String, Evidence>> records = probe.awaitRecords(list -> list.stream()
                        .map(r -> r.value().deliveryId()).collect(Collectors.toSet()).containsAll(here.keySet()),
                        Duration.ofSeconds(60));
                here.forEach((delivery, e) -> assertThat(records).filteredOn(r -> r.value().deliveryId().equals(delivery))
                        .as(delivery).singleElement().satisfies(r -> {
                            assertThat(r.key()).isEqualTo(e.repository());
                            assertThat(r.value().repository()).isEqualTo(e.repository());
                            assertThat(r.value().kind()).isEqualTo(e.kind());
                        }));
            }
        }
    }
}
