package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.argocd.ArgoCdNotification;
import dev.oversight.testing.kafka.RealKafka;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GitLab, Jenkins, CloudEvents and Argo CD deliveries over HTTP on a real broker: what each leaves on the topics. */
@ExtendWith(RealKafka.class)
class SourcesIT {

    private static IngestFixture ingest;

    @BeforeAll
    static void start() throws Exception {
        ingest = IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix("sources"), Map.of());
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void aGitLabApprovalIsAReviewAndItsTokenIsNowhereOnTheTopics() throws Exception {
        String uuid = UUID.randomUUID().toString();
        ObjectNode body = Payloads.object("gitlab/gitlab4j/merge-request-event.json");
        ((ObjectNode) body.get("object_attributes")).put("action", "approved");
        HttpResponse<String> response = ingest.gitlab("Merge Request Hook", uuid, Json.toBytes(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        ConsumerRecord<String, Evidence> review = ingest.awaitDelivery(Topics.REVIEWS, uuid).get(0);
        assertThat(review.key()).isEqualTo("gitlab:gitlabhq/gitlab-test");
        assertThat(review.value()).isInstanceOfSatisfying(ReviewEvent.class, e -> {
            assertThat(e.state()).isEqualTo(ReviewState.APPROVED);
            assertThat(e.reviewer().login()).isEqualTo("root");
            assertThat(e.changeId()).isEqualTo("gitlab:gitlabhq/gitlab-test!1");
            assertThat(e.commitSha()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
        });
        RawDelivery raw = ingest.awaitDelivery(Topics.RAW, uuid).get(0).value();
        assertThat(raw.source().id()).isEqualTo("gitlab");
        assertThat(raw.eventType()).isEqualTo("Merge Request Hook");
        assertThat(raw.headers()).containsEntry("x-gitlab-event-uuid", uuid).doesNotContainKey("x-gitlab-token");
        assertThat(raw.body()).isEqualTo(Json.toBytes(body));
        assertThat(ingest.stored(Topics.RAW, uuid).headers()).noneMatch(h -> h.key().contains("token"));
        assertThat(ingest.awaitDelivery(Topics.INGEST_DEDUP, uuid)).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("gitlab:" + uuid));
        assertNowhereOnTheTopics(IngestFixture.GITLAB_TOKEN);
    }

    @Test
    void idempotencyKeyNamesAGitLabDeliveryWithoutUuid() throws Exception {
        String key = "idem-" + UUID.randomUUID();
        HttpResponse<String> response = ingest.post("/webhooks/gitlab", Map.of("Content-Type", "application/json",
                "X-Gitlab-Event", "Pipeline Hook", "Idempotency-Key", key,
                "X-Gitlab-Token", IngestFixture.GITLAB_TOKEN), Payloads.bytes("gitlab/go-gitlab/pipeline.json"));
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(ingest.awaitDelivery(Topics.CI, key)).singleElement()
                .satisfies(r -> assertThat(((CiResult) r.value()).system()).isEqualTo(CiResult.CiSystem.PIPELINE));
    }

    @Test
    void aJenkinsBuildIsACiResultAndTheTokenInItsUrlIsNowhereOnTheTopics() throws Exception {
        ObjectNode body = Payloads.object("jenkins/notification-plugin-example.json");
        HttpResponse<String> response = ingest.jenkins(Json.toBytes(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String delivery = "http://localhost:8080/job/asgard/18/#COMPLETED";
        assertThat(Json.mapper().readTree(response.body()).get("deliveryId").asText()).isEqualTo(delivery);
        ConsumerRecord<String, Evidence> ci = ingest.awaitDelivery(Topics.CI, delivery).get(0);
        assertThat(ci.key()).isEqualTo("github:evgeny-goldin/asgard");
        assertThat(ci.value()).isInstanceOfSatisfying(CiResult.class, e -> {
            assertThat(e.sha()).isEqualTo("c6d86dc654b12425e706bcf951adfe5a8627a517");
            assertThat(e.name()).isEqualTo("asgard");
            assertThat(e.conclusion()).isEqualTo(CiResult.CiConclusion.SUCCESS);
        });
        // A bearer token works as well as ?token=.
        ((ObjectNode) body.get("build")).put("phase", "FINALIZED");
        assertThat(ingest.post("/webhooks/jenkins", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + IngestFixture.EVENTS_TOKEN), Json.toBytes(body)).statusCode()).isEqualTo(202);
        assertThat(ingest.awaitDelivery(Topics.CI, "http://localhost:8080/job/asgard/18/#FINALIZED"))
                .hasSize(1);
        assertNowhereOnTheTopics(IngestFixture.EVENTS_TOKEN);
    }

    @Test
    void aBinaryModeCdEventIsADeploy() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode cdevent = Payloads.cdevent("v0.5.1/service_deployed.json", id);
        HttpResponse<String> response = ingest.events("application/json", Map.of("ce-specversion", "1.0", "ce-id", id,
                "ce-source", "/event/source/123", "ce-type", "dev.cdevents.service.deployed.0.3.0"),
                Json.toBytes(cdevent));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        ConsumerRecord<String, Evidence> deploy = ingest.awaitDelivery(Topics.DEPLOYS, id).get(0);
        assertThat(deploy.key()).isEqualTo("cdevents:/event/source/123");
        assertThat(((DeployEvent) deploy.value()).environment()).isEqualTo("test123");
        RawDelivery raw = ingest.awaitDelivery(Topics.RAW, id).get(0).value();
        assertThat(raw.headers()).containsEntry("ce-id", id).containsEntry("ce-source", "/event/source/123")
                .doesNotContainKey("authorization");
        assertThat(raw.body()).isEqualTo(Json.toBytes(cdevent));
        assertThat(raw.eventType()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        assertThat(raw.contentType()).isEqualTo("application/json");
        assertThat(raw.batch()).isNull();
    }

    @Test
    void aBatchIsWrittenInOneGoEachEventWithItsOwnRawRecord() throws Exception {
        String prefix = UUID.randomUUID().toString();
        ArrayNode batch = Json.mapper().createArrayNode();
        batch.add(Payloads.structured(Payloads.cdevent("v0.4.1/change_merged.json", prefix + "-merged")));
        batch.add(Payloads.structured(Payloads.cdevent("v0.5.1/pipelinerun_finished.json", prefix + "-pipeline")));
        batch.add(Payloads.structured(Payloads.cdevent("main/service_deployed.json", prefix + "-deployed")));
        batch.add(Payloads.structured(Payloads.cdevent("main/ticket_created.json", prefix + "-ticket")));
        byte[] body = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(batch);
        HttpResponse<String> response = ingest.events("application/cloudevents-batch+json", Map.of(), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.get("accepted").asInt()).isEqualTo(3);
        assertThat(answer.get("ignored").asInt()).isEqualTo(1);
        assertThat(answer.get("duplicates").asInt()).isZero();

        ChangeEvent merged = (ChangeEvent) ingest.awaitDelivery(Topics.REVIEWS, prefix + "-merged").get(0).value();
        assertThat(merged.changeId()).isEqualTo("https://example.org/TestRepo/TestOrg#mySubject123");
        assertThat(ingest.awaitDelivery(Topics.CI, prefix + "-pipeline")).hasSize(1);
        assertThat(ingest.awaitDelivery(Topics.DEPLOYS, prefix + "-deployed")).hasSize(1);
        RawDelivery raw = ingest.awaitDelivery(Topics.RAW, prefix + "-pipeline").get(0).value();
        assertThat(Json.mapper().readTree(raw.body())).isEqualTo(batch.get(1));
        assertThat(new String(body, StandardCharsets.UTF_8)).contains(raw.bodyText());
        // It came as the second of four events of a batch, which the record says; its value is the event's JSON.
        assertThat(raw.batch()).isEqualTo(new RawDelivery.Batch(2, 4));
        assertThat(raw.contentType()).isEqualTo("application/json");
        assertThat(raw.header("Content-Type")).isEqualTo("application/cloudevents-batch+json");
    }

    @Test
    void theArgoCdRecipeIsADeployOfTheSyncedCommit() throws Exception {
        ObjectNode application = (ObjectNode) ArgoCdNotification.application(Payloads.bytes("argocd/application.yaml"));
        // Another deploy of the same application: a later sync (the id is made of uid, revision and finish time).
        String finishedAt = java.time.Instant.now().toString();
        ((ObjectNode) application.at("/status/operationState")).put("finishedAt", finishedAt);
        ArgoCdNotification.Request request = ArgoCdNotification.render(application, IngestFixture.EVENTS_TOKEN);
        HttpResponse<String> response = ingest.post(request.path(), request.headers(), request.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = "3f6c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f:e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6:" + finishedAt;
        ConsumerRecord<String, Evidence> record = ingest.awaitDelivery(Topics.DEPLOYS, id).get(0);
        assertThat(record.key()).isEqualTo("github:acme/payments");
        assertThat(record.value()).isInstanceOfSatisfying(DeployEvent.class, e -> {
            assertThat(e.sha()).isEqualTo("e106645b1a2f1f0c2b4c3d4e5f60718293a4b5c6");
            assertThat(e.environment()).isEqualTo("production");
            assertThat(e.service()).isEqualTo("payments");
            assertThat(e.state()).isEqualTo(DeployEvent.DeployState.SUCCEEDED);
        });
        assertThat(CloudEventHeaders.read(record.headers(), CloudEventHeaders.TYPE)).isEqualTo("dev.oversight.deploy.v1");
    }

    /** No record on any of the fixture's topics carries the secret: not in its key, value or headers. */
    private static void assertNowhereOnTheTopics(String secret) {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Topic<String, ?>> topics = Topics.all();
        for (Topic<String, ?> topic : topics) {
            for (ConsumerRecord<String, byte[]> record : ingest.readAll(topic)) {
                assertThat(record.key()).doesNotContain(secret);
                assertThat(contains(record.value(), needle)).as("%s value", topic.suffix()).isFalse();
                for (Header header : record.headers()) {
                    assertThat(contains(header.value(), needle)).as("%s header %s", topic.suffix(), header.key())
                            .isFalse();
                }
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
