package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.DeliveryReceipt;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.testing.kafka.RealKafka;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests that must be refused, on every route: each gets its status and a JSON error naming the problem, and
 * nothing of any of them reaches any topic. The topics have one partition, and after each test a sentinel batch that
 * writes to every topic is accepted: once it is visible everywhere, anything written before it would be too.
 */
@ExtendWith(RealKafka.class)
class BadInputIT {

    private static final int LIMIT = 256 * 1024;
    private static IngestFixture ingest;
    /** Every delivery id this class had accepted: the only ones allowed on the topics. */
    private static final Set<String> ACCEPTED = new HashSet<>();

    private record Case(String what, Callable<HttpResponse<String>> request, int status, String error) {}

    private final List<Case> cases = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ingest = IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix("bad-input"),
                Map.of("OVERSIGHT_TOPIC_PARTITIONS", "1", IngestConfig.MAX_BODY.name(), "256KiB"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    private void refused(String what, int status, String error, Callable<HttpResponse<String>> request) {
        cases.add(new Case(what, request, status, error));
    }

    /** Sends every case, checks its answer, then proves that nothing but accepted deliveries is on any topic. */
    @AfterEach
    void sendTheCasesAndFindNothingOfThemOnAnyTopic() throws Exception {
        for (Case c : cases) {
            HttpResponse<String> response = c.request().call();
            assertThat(response.statusCode()).as(c.what() + ": " + response.body()).isEqualTo(c.status());
            assertThat(response.headers().firstValue("Content-Type")).as(c.what()).hasValue("application/json");
            JsonNode answer = Json.mapper().readTree(response.body());
            if (c.status() >= 400) {
                assertThat(answer.get("error").asText()).as(c.what()).contains(c.error());
            } else {
                assertThat(answer.get("status").asText()).as(c.what()).isEqualTo(c.error());
            }
        }
        sendSentinel();
        assertOnlyAcceptedDeliveriesOnTheTopics();
    }

    /**
     * A batch whose events reach reviews, ci and deploys (and raw and the receipts): the sentinel. Returns once it
     * is visible on every topic.
     */
    private static void sendSentinel() throws Exception {
        String sentinel = "sentinel-" + UUID.randomUUID();
        ArrayNode batch = Json.mapper().createArrayNode()
                .add(Payloads.structured(Payloads.cdevent("v0.5.1/change_merged.json", sentinel + "-merged")))
                .add(Payloads.structured(Payloads.cdevent("v0.5.1/pipelinerun_finished.json", sentinel + "-pipeline")))
                .add(Payloads.structured(Payloads.cdevent("v0.5.1/service_deployed.json", sentinel + "-deployed")));
        HttpResponse<String> response = ingest.events("application/cloudevents-batch+json", Map.of(),
                Json.toBytes(batch));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        ACCEPTED.addAll(List.of(sentinel + "-merged", sentinel + "-pipeline", sentinel + "-deployed"));
        assertThat(ingest.awaitDelivery(Topics.RAW, sentinel + "-merged")).isNotEmpty();
        assertThat(ingest.awaitDelivery(Topics.INGEST_DEDUP, sentinel + "-merged")).isNotEmpty();
        assertThat(ingest.awaitDelivery(Topics.REVIEWS, sentinel + "-merged")).isNotEmpty();
        assertThat(ingest.awaitDelivery(Topics.CI, sentinel + "-pipeline")).isNotEmpty();
        assertThat(ingest.awaitDelivery(Topics.DEPLOYS, sentinel + "-deployed")).isNotEmpty();
    }

    private static void assertOnlyAcceptedDeliveriesOnTheTopics() {
        for (Topic<String, ?> topic : Topics.all()) {
            for (ConsumerRecord<String, byte[]> record : ingest.readAll(topic)) {
                Object value = topic.valueSerde().deserializer().deserialize(topic.name(), record.headers(),
                        record.value());
                String id = value instanceof Evidence e ? e.deliveryId() : value instanceof RawDelivery r
                        ? r.deliveryId() : value instanceof DeliveryReceipt d ? d.deliveryId() : "not a delivery";
                assertThat(ACCEPTED).as("a record on %s", topic.suffix()).contains(id);
            }
        }
        List<ConsumerRecord<String, byte[]>> raw = ingest.readAll(Topics.RAW);
        assertThat(raw).hasSameSizeAs(new HashSet<>(raw.stream().map(r ->
                Topics.RAW.valueSerde().deserializer().deserialize("", r.headers(), r.value()).deliveryId()).toList()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return copy;
    }

    /** A body sent without Content-Length (chunked), so only what arrives can tell its size. */
    private static HttpResponse<String> chunked(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest.uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        headers.forEach(request::header);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void github() throws Exception {
        byte[] body = Payloads.bytes("github/hub4j/pull_request.json");
        String delivery = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-GitHub-Event", "pull_request",
                "X-GitHub-Delivery", delivery, GitHubSignature.HEADER, GitHubSignature.sign(IngestFixture.GITHUB_SECRET, body));
        String path = "/webhooks/github";
        refused("wrong secret", 401, "does not match", () -> ingest.post(path,
                with(headers, GitHubSignature.HEADER, GitHubSignature.sign("a guess", body)), body));
        refused("no signature", 401, "missing header X-Hub-Signature-256", () -> ingest.post(path,
                with(headers, GitHubSignature.HEADER, null), body));
        refused("signature of another body", 401, "does not match", () -> ingest.post(path, headers,
                Payloads.bytes("github/hub4j/push.json")));
        refused("not a signature", 401, "does not match", () -> ingest.post(path,
                with(headers, GitHubSignature.HEADER, "sha256=zz"), body));
        byte[] truncated = Arrays.copyOf(body, body.length / 2);
        refused("truncated JSON", 400, "not valid JSON", () -> ingest.github("pull_request", delivery, truncated));
        refused("not JSON", 400, "not valid JSON", () -> ingest.github("pull_request", delivery, bytes("{payload: 1")));
        refused("empty body", 400, "empty body", () -> ingest.github("pull_request", delivery, new byte[0]));
        refused("JSON but not an object", 400, "not a JSON object", () -> ingest.github("pull_request", delivery,
                bytes("[1, 2]")));
        refused("a required field missing", 400, "missing field head.sha", () -> {
            ObjectNode noHead = Payloads.object("github/hub4j/pull_request.json");
            ((ObjectNode) noHead.get("pull_request")).remove("head");
            return ingest.github("pull_request", delivery, Json.toBytes(noHead));
        });
        refused("nested too deep", 400, "not valid JSON", () -> ingest.github("pull_request", delivery,
                bytes("[".repeat(5000) + "]".repeat(5000))));
        refused("not UTF-8", 400, "not valid JSON", () -> ingest.github("pull_request", delivery,
                new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}));
        refused("no X-GitHub-Event", 400, "missing header X-GitHub-Event", () -> ingest.post(path,
                with(headers, "X-GitHub-Event", null), body));
        refused("no X-GitHub-Delivery", 400, "missing header X-GitHub-Delivery", () -> ingest.post(path,
                with(headers, "X-GitHub-Delivery", null), body));
        refused("text/plain", 415, "Content-Type must be application/json or application/x-www-form-urlencoded",
                () -> ingest.post(path, with(headers, "Content-Type", "text/plain"), body));
        refused("no content type", 415, "got ''", () -> ingest.post(path, with(headers, "Content-Type", null), body));
        byte[] huge = new byte[LIMIT + 1];
        Arrays.fill(huge, (byte) ' ');
        refused("over the limit by Content-Length", 413, "larger than the limit", () -> ingest.github("pull_request",
                delivery, huge));
        refused("over the limit as it arrives", 413, "larger than the limit", () -> chunked(path,
                with(headers, GitHubSignature.HEADER, GitHubSignature.sign(IngestFixture.GITHUB_SECRET, huge)), huge));
        refused("a form without payload", 400, "no payload field", () -> ingest.post(path, with(with(headers,
                "Content-Type", "application/x-www-form-urlencoded"), GitHubSignature.HEADER,
                GitHubSignature.sign(IngestFixture.GITHUB_SECRET, bytes("other=1"))), bytes("other=1")));
        refused("an event type Oversight does not use", 200, "ignored", () -> ingest.github("star",
                UUID.randomUUID().toString(), body));
    }

    @Test
    void replayedDeliveries() throws Exception {
        byte[] body = Payloads.bytes("github/hub4j/status.json");
        String delivery = UUID.randomUUID().toString();
        assertThat(ingest.github("status", delivery, body).statusCode()).isEqualTo(202);
        ACCEPTED.add(delivery);
        for (int i = 0; i < 3; i++) {
            refused("replay " + i, 200, "duplicate", () -> ingest.github("status", delivery, body));
        }
    }

    @Test
    void gitlab() throws Exception {
        byte[] body = Payloads.bytes("gitlab/go-gitlab/merge_request.json");
        String uuid = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-Gitlab-Event", "Merge Request Hook",
                "X-Gitlab-Event-UUID", uuid, "X-Gitlab-Token", IngestFixture.GITLAB_TOKEN);
        String path = "/webhooks/gitlab";
        refused("no token", 401, "missing header X-Gitlab-Token", () -> ingest.post(path,
                with(headers, "X-Gitlab-Token", null), body));
        refused("wrong token", 401, "does not match", () -> ingest.post(path,
                with(headers, "X-Gitlab-Token", IngestFixture.GITLAB_TOKEN + "x"), body));
        refused("the events token", 401, "does not match", () -> ingest.post(path,
                with(headers, "X-Gitlab-Token", IngestFixture.EVENTS_TOKEN), body));
        refused("no X-Gitlab-Event", 400, "missing header X-Gitlab-Event", () -> ingest.post(path,
                with(headers, "X-Gitlab-Event", null), body));
        refused("no delivery id", 400, "missing header X-Gitlab-Event-UUID (or Idempotency-Key)",
                () -> ingest.post(path, with(headers, "X-Gitlab-Event-UUID", null), body));
        refused("truncated JSON", 400, "not valid JSON", () -> ingest.post(path, headers,
                Arrays.copyOf(body, body.length - 10)));
        refused("form encoding", 415, "Content-Type must be application/json", () -> ingest.post(path,
                with(headers, "Content-Type", "application/x-www-form-urlencoded"), body));
        refused("a deployment without a full SHA", 400, "commit_url", () -> {
            ObjectNode deployment = Payloads.object("gitlab/docs/deployment.docs.json");
            deployment.put("commit_url", "http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c0");
            return ingest.post(path, with(headers, "X-Gitlab-Event", "Deployment Hook"), Json.toBytes(deployment));
        });
        refused("a hook Oversight does not use", 200, "ignored", () -> ingest.post(path,
                with(headers, "X-Gitlab-Event", "Wiki Page Hook"), body));
    }

    @Test
    void jenkins() throws Exception {
        byte[] body = Payloads.bytes("jenkins/notification-plugin-example.json");
        Map<String, String> json = Map.of("Content-Type", "application/json");
        refused("no token", 401, "missing token", () -> ingest.post("/webhooks/jenkins", json, body));
        refused("wrong ?token=", 401, "does not match", () -> ingest.post("/webhooks/jenkins?token=guess", json, body));
        refused("wrong bearer", 401, "does not match", () -> ingest.post("/webhooks/jenkins",
                with(json, "Authorization", "Bearer " + IngestFixture.GITLAB_TOKEN), body));
        refused("malformed", 400, "not valid JSON", () -> ingest.jenkins(bytes("{\"name\": \"asgard\", \"build\": ")));
        refused("no build", 400, "missing object build", () -> ingest.jenkins(bytes("{\"name\": \"asgard\"}")));
        refused("XML", 415, "Content-Type must be application/json", () -> ingest.post(
                "/webhooks/jenkins?token=" + IngestFixture.EVENTS_TOKEN, Map.of("Content-Type", "application/xml"),
                body));
    }

    @Test
    void cloudEvents() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode cdevent = Payloads.cdevent("v0.5.1/service_deployed.json", id);
        Map<String, String> binary = Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/event/source/123",
                "ce-type", "dev.cdevents.service.deployed.0.3.0");
        refused("no token", 401, "missing token", () -> ingest.post("/events",
                with(binary, "Content-Type", "application/json"), Json.toBytes(cdevent)));
        refused("the GitLab token", 401, "does not match", () -> ingest.post("/events", with(with(binary,
                "Content-Type", "application/json"), "Authorization", "Bearer " + IngestFixture.GITLAB_TOKEN),
                Json.toBytes(cdevent)));
        refused("binary without ce-id", 400, "missing header ce-id", () -> ingest.events("application/json",
                with(binary, "ce-id", null), Json.toBytes(cdevent)));
        refused("binary with another ce-id", 400, "differs from the CDEvents context.id", () -> ingest.events(
                "application/json", with(binary, "ce-id", "another-" + id), Json.toBytes(cdevent)));
        refused("structured with another id", 400, "differs from the CDEvents context.id", () -> ingest.events(
                "application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(cdevent).put("id", "x-" + id))));
        String good = "batch-good-" + UUID.randomUUID();
        ArrayNode batch = Json.mapper().createArrayNode()
                .add(Payloads.structured(Payloads.cdevent("v0.5.1/pipelinerun_finished.json", good)))
                .add(Payloads.structured(Payloads.cdevent("v0.5.1/service_deployed.json", "y-" + id)).put("id", "z-" + id));
        refused("a batch with one bad event", 400, "event 2 of the batch: the CloudEvents id", () -> ingest.events(
                "application/cloudevents-batch+json", Map.of(), Json.toBytes(batch)));
        refused("a truncated batch", 400, "not valid JSON", () -> ingest.events("application/cloudevents-batch+json",
                Map.of(), Arrays.copyOf(Json.toBytes(batch), 300)));
        refused("CDEvents 0.3", 400, "is not supported", () -> {
            ObjectNode old = Payloads.cdevent("v0.4.1/service_deployed.json", id);
            ((ObjectNode) old.get("context")).put("version", "0.3.0");
            return ingest.events("application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(old)));
        });
        refused("XML", 415, "Content-Type must be", () -> ingest.events("application/xml", binary,
                Json.toBytes(cdevent)));
        refused("XML data", 415, "datacontenttype must be JSON", () -> ingest.events("application/cloudevents+json",
                Map.of(), Json.toBytes(Payloads.structured(cdevent).put("datacontenttype", "application/xml"))));
        refused("a CDEvent Oversight does not use", 200, "ignored", () -> ingest.events(
                "application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(Payloads.cdevent("main/ticket_created.json",
                        UUID.randomUUID().toString())))));
    }

    /** The body with {@code bytes} put in right after the first {@code marker}. */
    private static byte[] inject(byte[] body, String marker, byte[] bytes) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        at += marker.length();
        byte[] out = new byte[body.length + bytes.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        System.arraycopy(body, at, out, at + bytes.length, body.length - at);
        return out;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** A GitHub delivery in the form encoding, signed. */
    private static HttpResponse<String> githubForm(String event, String delivery, byte[] form) throws Exception {
        return ingest.post("/webhooks/github", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "X-GitHub-Event", event, "X-GitHub-Delivery", delivery,
                GitHubSignature.HEADER, GitHubSignature.sign(IngestFixture.GITHUB_SECRET, form)), form);
    }

    private static ObjectNode with(String resource, String pointer, JsonNode value) {
        return Payloads.changed(resource, pointer, value);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    /**
     * Bodies that are not strict UTF-8 JSON: the raw record keeps the body verbatim, so it must be well-formed for
     * every reader of oversight.raw, and what the evidence says must be what the bytes say (an overlong {@code C0 AF}
     * is no {@code /}).
     */
    @Test
    void bodiesThatAreNotStrictUtf8() throws Exception {
        byte[] body = Payloads.bytes("github/hub4j/pull_request.json");
        String title = "\"title\": \"";
        refused("an overlong encoding of /", 400, "overlong", () -> ingest.github("pull_request", id(),
                inject(body, title, bytes(0xC0, 0xAF))));
        refused("an encoded surrogate", 400, "surrogate", () -> ingest.github("pull_request", id(),
                inject(body, title, bytes(0xED, 0xA0, 0x80))));
        refused("a code point above U+10FFFF", 400, "not UTF-8", () -> ingest.github("pull_request", id(),
                inject(body, title, bytes(0xF4, 0x90, 0x80, 0x80))));
        refused("a truncated sequence", 400, "not UTF-8", () -> ingest.github("pull_request", id(),
                inject(body, title, bytes(0xE2, 0x82))));
        refused("a NUL byte", 400, "NUL", () -> ingest.github("pull_request", id(), inject(body, title, bytes(0))));
        refused("a UTF-8 byte-order mark", 400, "byte-order mark", () -> ingest.github("pull_request", id(),
                inject(body, "", bytes(0xEF, 0xBB, 0xBF))));
        String text = new String(body, StandardCharsets.UTF_8);
        refused("UTF-16", 400, "NUL", () -> ingest.github("pull_request", id(),
                text.getBytes(StandardCharsets.UTF_16LE)));
        refused("UTF-16 with a byte-order mark", 400, "not UTF-8", () -> ingest.github("pull_request", id(),
                text.getBytes(StandardCharsets.UTF_16)));
        refused("UTF-32", 400, "NUL", () -> ingest.github("pull_request", id(),
                text.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))));
        refused("a lone surrogate escape in a value", 400, "lone surrogate", () -> ingest.github("pull_request", id(),
                inject(body, title, "\\ud800".getBytes(StandardCharsets.US_ASCII))));
        refused("a lone low surrogate escape", 400, "lone surrogate", () -> ingest.github("pull_request", id(),
                inject(body, title, "\\uDC00\\ud83d".getBytes(StandardCharsets.US_ASCII))));
        refused("a lone surrogate escape in a field name", 400, "lone surrogate", () -> ingest.github("pull_request",
                id(), inject(body, "{", "\"x\\ud83d\": 1,".getBytes(StandardCharsets.US_ASCII))));
        String form = "payload=" + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
        refused("a form payload with an overlong encoding", 400, "overlong", () -> githubForm("pull_request", id(),
                form.replace("%22title%22%3A+%22", "%22title%22%3A+%22%C0%AF").getBytes(StandardCharsets.US_ASCII)));
        refused("a form payload with a lone surrogate escape", 400, "lone surrogate", () -> githubForm("pull_request",
                id(), form.replace("%22title%22%3A+%22", "%22title%22%3A+%22%5Cud800")
                        .getBytes(StandardCharsets.US_ASCII)));
        refused("a form with two payloads", 400, "more than one payload", () -> githubForm("pull_request", id(),
                (form + "&" + form).getBytes(StandardCharsets.US_ASCII)));
        refused("a batch event with an overlong encoding", 400, "overlong", () -> ingest.events(
                "application/cloudevents-batch+json", Map.of(), inject(Json.toBytes(Json.mapper().createArrayNode()
                        .add(Payloads.structured(Payloads.cdevent("v0.5.1/service_deployed.json", id())))),
                        "\"source\":\"", bytes(0xC0, 0xAF))));
    }

    /** The evidence takes one value of a field: a body that gives two is ambiguous, and the raw record keeps both. */
    @Test
    void duplicateKeys() throws Exception {
        byte[] body = Payloads.bytes("github/hub4j/pull_request.json");
        refused("a key twice", 400, "Duplicate field 'action'", () -> ingest.github("pull_request", id(),
                inject(body, "{", "\"action\": \"closed\",".getBytes(StandardCharsets.US_ASCII))));
        refused("a nested key twice", 400, "Duplicate field 'login'", () -> ingest.github("pull_request", id(),
                inject(body, "\"login\": \"baxterthehacker\",",
                        "\"login\": \"someone-else\",".getBytes(StandardCharsets.US_ASCII))));
        refused("a key twice in a GitLab hook", 400, "Duplicate field", () -> ingest.gitlab("Merge Request Hook", id(),
                inject(Payloads.bytes("gitlab/go-gitlab/merge_request.json"), "{",
                        "\"object_kind\": \"x\",".getBytes(StandardCharsets.US_ASCII))));
        refused("a key twice in a batch event", 400, "Duplicate field", () -> ingest.events(
                "application/cloudevents-batch+json", Map.of(), inject(Json.toBytes(Json.mapper().createArrayNode()
                        .add(Payloads.structured(Payloads.cdevent("v0.5.1/service_deployed.json", id())))),
                        "[{", "\"type\":\"x\",".getBytes(StandardCharsets.US_ASCII))));
    }

    /** A time no reader can hold is the sender's error: 400 naming the field, never 500. */
    @Test
    void timesOutOfRange() throws Exception {
        for (String number : List.of("1e18", "99999999999999999999", "9223372036854775807", "-9223372036854775807")) {
            JsonNode value = Json.mapper().readTree(number);
            refused("check_run.completed_at " + number, 400, "check_run.completed_at", () -> ingest.github(
                    "check_run", id(), Json.toBytes(with("github/hub4j/check-run.json", "/check_run/completed_at",
                            value))));
            refused("pull_request.updated_at " + number, 400, "pull_request.updated_at", () -> ingest.github(
                    "pull_request", id(), Json.toBytes(with("github/hub4j/pull_request.json",
                            "/pull_request/updated_at", value))));
            refused("repository.pushed_at " + number, 400, "repository.pushed_at", () -> ingest.github("push", id(),
                    Json.toBytes(with("github/hub4j/push.json", "/repository/pushed_at", value))));
            refused("pull_request.merged_at " + number, 400, "pull_request.merged_at", () -> {
                ObjectNode merged = with("github/hub4j/pull_request.json", "/pull_request/merged_at", value);
                merged.put("action", "closed");
                ((ObjectNode) merged.get("pull_request")).put("merged", true);
                return ingest.github("pull_request", id(), Json.toBytes(merged));
            });
        }
        refused("a year policy-stream cannot read", 400, "pull_request.updated_at", () -> ingest.github("pull_request",
                id(), Json.toBytes(with("github/hub4j/pull_request.json", "/pull_request/updated_at",
                        Json.mapper().getNodeFactory().textNode("+1000000000-01-01T00:00:00Z")))));
        refused("a time before 1970", 400, "review.submitted_at", () -> ingest.github("pull_request_review", id(),
                Json.toBytes(with("github/hub4j/pull_request_review.json", "/review/submitted_at",
                        Json.mapper().getNodeFactory().textNode("1969-07-20T20:17:40Z")))));
        refused("a time that is not one", 400, "created_at", () -> ingest.github("deployment", id(),
                Json.toBytes(with("github/hub4j/deployment.json", "/deployment/created_at",
                        Json.mapper().getNodeFactory().textNode("yesterday")))));
        refused("a Jenkins build time past year 9999", 400, "build.timestamp", () -> ingest.jenkins(Json.toBytes(
                with("jenkins/notification-plugin-example.json", "/build/timestamp",
                        Json.mapper().getNodeFactory().numberNode(999_999_999_999_999_999L)))));
        refused("a CDEvents time past year 9999", 400, "context.timestamp", () -> {
            ObjectNode cdevent = Payloads.cdevent("v0.5.1/service_deployed.json", id());
            ((ObjectNode) cdevent.get("context")).put("timestamp", "+10000-01-01T00:00:00Z");
            return ingest.events("application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(cdevent)));
        });
    }

    /**
     * The identities and commits the rules rely on: an empty login is nobody, and must not count as an approver
     * other than the author; a commit is named by its full sha.
     */
    @Test
    void identitiesAndCommitsTheRulesRelyOn() throws Exception {
        JsonNode empty = Json.mapper().getNodeFactory().textNode("");
        JsonNode blank = Json.mapper().getNodeFactory().textNode("  ");
        JsonNode shortSha = Json.mapper().getNodeFactory().textNode("ec26c3e57ca3a959ca5aad62de7213c562f8c82");
        refused("an approval by login ''", 400, "review.user.login", () -> ingest.github("pull_request_review", id(),
                Json.toBytes(with("github/hub4j/pull_request_review.json", "/review/user/login", empty))));
        refused("an approval by login '  '", 400, "review.user.login", () -> ingest.github("pull_request_review",
                id(), Json.toBytes(with("github/hub4j/pull_request_review.json", "/review/user/login", blank))));
        refused("a pull request by login ''", 400, "pull_request.user.login", () -> ingest.github("pull_request",
                id(), Json.toBytes(with("github/hub4j/pull_request.json", "/pull_request/user/login", empty))));
        refused("a review of a pull request by login ''", 400, "pull_request.user.login", () -> ingest.github(
                "pull_request_review", id(), Json.toBytes(with("github/hub4j/pull_request_review.json",
                        "/pull_request/user/login", empty))));
        refused("a sender with login ''", 400, "sender.login", () -> ingest.github("pull_request", id(),
                Json.toBytes(with("github/hub4j/pull_request.json", "/sender/login", empty))));
        refused("a check run on commit ''", 400, "check_run.head_sha", () -> ingest.github("check_run", id(),
                Json.toBytes(with("github/hub4j/check-run.json", "/check_run/head_sha", empty))));
        refused("a check run on a 39-character sha", 400, "check_run.head_sha", () -> ingest.github("check_run", id(),
                Json.toBytes(with("github/hub4j/check-run.json", "/check_run/head_sha", shortSha))));
        refused("a review on a sha that is not hex", 400, "review.commit_id", () -> ingest.github(
                "pull_request_review", id(), Json.toBytes(with("github/hub4j/pull_request_review.json",
                        "/review/commit_id", Json.mapper().getNodeFactory().textNode("z".repeat(40))))));
        refused("a push to ''", 400, "after", () -> ingest.github("push", id(),
                Json.toBytes(with("github/hub4j/push.json", "/after", empty))));
        refused("a GitLab approval by username ''", 400, "user.username", () -> {
            ObjectNode approval = with("gitlab/go-gitlab/merge_request.json", "/user/username", empty);
            ((ObjectNode) approval.get("object_attributes")).put("action", "approved");
            return ingest.gitlab("Merge Request Hook", id(), Json.toBytes(approval));
        });
        refused("a GitLab pipeline of commit ''", 400, "field sha is not a commit sha", () -> ingest.gitlab(
                "Pipeline Hook", id(), Json.toBytes(with("gitlab/go-gitlab/pipeline.json", "/object_attributes/sha",
                        empty))));
        refused("a Jenkins build of commit ''", 400, "build.scm.commit", () -> ingest.jenkins(Json.toBytes(
                with("jenkins/notification-plugin-example.json", "/build/scm/commit", empty))));
        refused("a CDEvents approval by reviewer ''", 400, "customData.reviewer", () -> {
            ObjectNode cdevent = Payloads.cdevent("v0.5.1/change_reviewed.json", id());
            cdevent.set("customData", Json.mapper().createObjectNode().put("reviewer", "").put("state", "approved")
                    .put("repository", "github:acme/pay"));
            return ingest.events("application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(cdevent)));
        });
        refused("a CDEvents deploy of a short sha", 400, "customData.sha", () -> {
            ObjectNode cdevent = Payloads.cdevent("v0.5.1/service_deployed.json", id());
            cdevent.set("customData", Json.mapper().createObjectNode().put("sha", "ec26c3e"));
            return ingest.events("application/cloudevents+json", Map.of(), Json.toBytes(Payloads.structured(cdevent)));
        });
    }

    /**
     * What ingest writes, policy-stream must be able to read: a record that the event-model's definition refuses is
     * not written, and the answer names the record and its field.
     */
    @Test
    void recordsTheReadersCouldNotUse() throws Exception {
        refused("a repository name with a control character", 400, "repository holds a control character", () ->
                ingest.github("status", id(), Json.toBytes(with("github/hub4j/status.json", "/repository/full_name",
                        Json.mapper().getNodeFactory().textNode("acme/pay\u001fments")))));
        refused("a run attempt of 0", 400, "the ci record read from it would not be valid: attempt is 0", () ->
                ingest.github("workflow_run", id(), Json.toBytes(with("github/hub4j/workflow_run.json",
                        "/workflow_run/run_attempt", Json.mapper().getNodeFactory().numberNode(0)))));
        refused("a label without a name", 400, "labels[0] is blank", () -> {
            ObjectNode labeled = Payloads.object("github/hub4j/pull_request_labeled.json");
            ((ObjectNode) labeled.at("/pull_request/labels/0")).put("name", " ");
            return ingest.github("pull_request", id(), Json.toBytes(labeled));
        });
        refused("a batch with an event naming a service with a control character", 400, "event 2 of the batch: "
                + "the deploy record read from it would not be valid: service holds a control character", () -> {
                    ObjectNode blankService = Payloads.cdevent("v0.5.1/service_deployed.json", id());
                    ((ObjectNode) blankService.get("subject")).put("id", "pay\u0007ments");
                    return ingest.events("application/cloudevents-batch+json", Map.of(), Json.toBytes(
                            Json.mapper().createArrayNode().add(Payloads.structured(
                                    Payloads.cdevent("v0.5.1/pipelinerun_finished.json", id())))
                                    .add(Payloads.structured(blankService))));
                });
    }

    /** What the checks above must not refuse: surrogate pairs, upper-case escapes, SHA-256 commits. */
    @Test
    void wellFormedBodiesAreStillAccepted() throws Exception {
        byte[] body = Payloads.bytes("github/hub4j/pull_request.json");
        String delivery = id();
        HttpResponse<String> response = ingest.github("pull_request", delivery, inject(body, "\"title\": \"",
                "\\uD83D\\ude80 \u00e9 \u2713 ".getBytes(StandardCharsets.UTF_8)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        ACCEPTED.add(delivery);
        String sha256 = "ec26c3e57ca3a959ca5aad62de7213c562f8c821ec26c3e57ca3a959ca5aad62";
        String run = id();
        response = ingest.github("check_run", run, Json.toBytes(with("github/hub4j/check-run.json",
                "/check_run/head_sha", Json.mapper().getNodeFactory().textNode(sha256))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        ACCEPTED.add(run);
        assertThat(ingest.awaitDelivery(Topics.CI, run)).singleElement()
                .satisfies(r -> assertThat(((dev.oversight.events.CiResult) r.value()).sha()).isEqualTo(sha256));
    }

    @Test
    void everyRejectionIsCountedByItsCause() throws Exception {
        refused("unsigned", 401, "missing header", () -> ingest.post("/webhooks/github",
                Map.of("Content-Type", "application/json", "X-GitHub-Event", "push", "X-GitHub-Delivery", "d"),
                bytes("{}")));
        cases.get(0).request().call();
        assertThat(ingest.registry().scrape())
                .contains("oversight_webhook_rejections_requests_total{cause=\"signature\",source=\"github\"}")
                .containsPattern("oversight_webhook_requests_seconds_count\\{event=\"push\",outcome=\"rejected\","
                        + "source=\"github\"} [1-9]");
    }
}
