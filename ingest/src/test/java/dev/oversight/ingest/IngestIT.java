package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.CloudEventHeaders;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.ingest.github.RawSignatureCheck;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ingest over HTTP on a real broker: what a delivery's answer promises is what is on the topics. */
@ExtendWith(RealKafka.class)
class IngestIT {

    private static IngestFixture ingest;

    @BeforeAll
    static void start() throws Exception {
        ingest = IngestFixture.start(RealKafka.bootstrapServers(), IngestFixture.newPrefix("ingest"),
                Map.of(IngestConfig.MAX_BODY.name(), "64KiB"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    private static byte[] payload(String file) {
        return Payloads.bytes("github/hub4j/" + file);
    }

    private static HttpResponse<String> post(String event, String delivery, byte[] body, String signature,
                                             String contentType) throws Exception {
        Map<String, String> headers = new HashMap<>();
        if (event != null) {
            headers.put("X-GitHub-Event", event);
        }
        if (delivery != null) {
            headers.put("X-GitHub-Delivery", delivery);
        }
        if (signature != null) {
            headers.put(GitHubSignature.HEADER, signature);
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return ingest.post("/webhooks/github", headers, body);
    }

    private static HttpResponse<String> postSigned(String event, String delivery, byte[] body) throws Exception {
        return ingest.github(event, delivery, body);
    }

    private static TopicProbe<RawDelivery> raw() {
        return ingest.probe(Topics.RAW);
    }

    private static TopicProbe<Evidence> reviews() {
        return ingest.probe(Topics.REVIEWS);
    }

    @Test
    void acceptedDeliveryIsOnTheRawAndEvidenceTopicsBeforeThe202() throws Exception {
        String delivery = UUID.randomUUID().toString();
        byte[] body = payload("pull_request.json");
        HttpResponse<String> response = postSigned("pull_request", delivery, body);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.get("status").asText()).isEqualTo("accepted");
        assertThat(answer.get("repository").asText()).isEqualTo("github:baxterthehacker/public-repo");
        // The 202 came after the transaction's commit was durable; read_committed readers see it once the
        // commit markers are written, moments later.
        try (TopicProbe<RawDelivery> raw = raw(); TopicProbe<Evidence> reviews = reviews()) {
            List<ConsumerRecord<String, RawDelivery>> raws = raw.awaitRecords(list -> list.stream()
                            .anyMatch(r -> r.value().deliveryId().equals(delivery)), Duration.ofSeconds(10)).stream()
                    .filter(r -> r.value().deliveryId().equals(delivery)).toList();
            assertThat(raws).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("github:baxterthehacker/public-repo");
                assertThat(r.value().eventType()).isEqualTo("pull_request");
                assertThat(r.value().body()).isEqualTo(body);
                assertThat(r.value().schema()).isEqualTo(2);
                assertThat(r.value().contentType()).isEqualTo("application/json");
                assertThat(r.value().headers()).containsEntry("x-github-delivery", delivery)
                        .containsEntry("x-hub-signature-256", GitHubSignature.sign(IngestFixture.GITHUB_SECRET, body));
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.ID)).isEqualTo(delivery);
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE)).isEqualTo("dev.oversight.delivery.v2");
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.SUBJECT))
                        .isEqualTo("github:baxterthehacker/public-repo");
                assertThat(CloudEventHeaders.read(r.headers(), "http_x-hub-signature-256")).startsWith("sha256=");
            });
            // The value on the topic is the body itself: what GitHub signed.
            ConsumerRecord<byte[], byte[]> stored = ingest.stored(Topics.RAW, delivery);
            assertThat(stored.value()).isEqualTo(body);
            assertThat(RawSignatureCheck.check(stored, List.of(secret(IngestFixture.GITHUB_SECRET))).outcome())
                    .isEqualTo(RawSignatureCheck.Outcome.SIGNED);
            List<ConsumerRecord<String, Evidence>> evidence = reviews.awaitRecords(list -> list.stream()
                            .anyMatch(r -> r.value().deliveryId().equals(delivery)), Duration.ofSeconds(10)).stream()
                    .filter(r -> r.value().deliveryId().equals(delivery)).toList();
            assertThat(evidence).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("github:baxterthehacker/public-repo");
                assertThat(r.value()).isInstanceOf(ChangeEvent.class);
                assertThat(((ChangeEvent) r.value()).changeId()).isEqualTo("github:baxterthehacker/public-repo#1");
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE)).isEqualTo("dev.oversight.change.v1");
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.SPECVERSION)).isEqualTo("1.0");
            });
        }
        assertThat(ingest.registry().scrape()).contains("oversight_webhook_requests_seconds_count{event=\"pull_request\",outcome=\"accepted\",source=\"github\"}");
    }

    /**
     * Nothing of a rejected delivery reaches Kafka. To know that the topic was read far enough, an accepted
     * "sentinel" delivery of the same repository (so the same partition) follows the rejected ones: once it is
     * visible, anything written before it would be too.
     */
    @Test
    void rejectedDeliveriesWriteNothing() throws Exception {
        byte[] body = payload("status.json");
        String delivery = UUID.randomUUID().toString();

        HttpResponse<String> wrongSecret = post("status", delivery, body, GitHubSignature.sign("guess", body),
                "application/json");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(wrongSecret.body()).get("error").asText()).contains("does not match");

        HttpResponse<String> unsigned = post("status", delivery, body, null, "application/json");
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("missing header X-Hub-Signature-256");

        byte[] truncated = java.util.Arrays.copyOf(body, body.length / 2);
        HttpResponse<String> malformed = postSigned("status", delivery, truncated);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("not valid JSON");

        String signature = GitHubSignature.sign(IngestFixture.GITHUB_SECRET, body);
        HttpResponse<String> noEvent = post(null, delivery, body, signature, "application/json");
        assertThat(noEvent.statusCode()).isEqualTo(400);
        assertThat(noEvent.body()).contains("missing header X-GitHub-Event");

        HttpResponse<String> wrongType = post("status", delivery, body, signature, "text/plain");
        assertThat(wrongType.statusCode()).isEqualTo(415);

        byte[] huge = new byte[100 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        HttpResponse<String> tooLarge = postSigned("status", delivery, huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("larger than the limit");

        String sentinel = UUID.randomUUID().toString();
        assertThat(postSigned("status", sentinel, body).statusCode()).isEqualTo(202);
        try (TopicProbe<RawDelivery> raw = raw()) {
            List<ConsumerRecord<String, RawDelivery>> seen = raw.awaitRecords(list -> list.stream()
                    .anyMatch(r -> r.value().deliveryId().equals(sentinel)), Duration.ofSeconds(10));
            assertThat(seen).noneMatch(r -> r.value().deliveryId().equals(delivery));
        }
        assertThat(ingest.registry().scrape())
                .contains("oversight_webhook_rejections_requests_total{cause=\"signature\",source=\"github\"} 2.0")
                .contains("oversight_webhook_rejections_requests_total{cause=\"too_large\",source=\"github\"} 1.0");
    }

    @Test
    void pingAndUnusedEventsAreAnsweredIgnoredAndNotWritten() throws Exception {
        String delivery = UUID.randomUUID().toString();
        HttpResponse<String> ping = postSigned("ping", delivery, payload("ping.json"));
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(ping.body()).get("status").asText()).isEqualTo("ignored");
        String sentinel = UUID.randomUUID().toString();
        assertThat(postSigned("ping", sentinel, payload("ping.json")).statusCode()).isEqualTo(200);
        String accepted = UUID.randomUUID().toString();
        assertThat(postSigned("push", accepted, payload("push.json")).statusCode()).isEqualTo(202);
        try (TopicProbe<RawDelivery> raw = raw()) {
            List<ConsumerRecord<String, RawDelivery>> seen = raw.awaitRecords(list -> list.stream()
                    .anyMatch(r -> r.value().deliveryId().equals(accepted)), Duration.ofSeconds(10));
            assertThat(seen).noneMatch(r -> r.value().deliveryId().equals(delivery) || r.value().deliveryId().equals(sentinel));
        }
    }

    @Test
    void formEncodedDeliveriesAreReadToo() throws Exception {
        String json = new String(payload("deployment_status.json"), java.nio.charset.StandardCharsets.UTF_8);
        byte[] form = ("payload=" + java.net.URLEncoder.encode(json, java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String delivery = UUID.randomUUID().toString();
        HttpResponse<String> response = post("deployment_status", delivery, form,
                GitHubSignature.sign(IngestFixture.GITHUB_SECRET, form), "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).isEqualTo(202);
        // Kept as sent, form encoding and all: the signature is over these bytes.
        ConsumerRecord<String, RawDelivery> raw = ingest.awaitDelivery(Topics.RAW, delivery).get(0);
        assertThat(raw.value().body()).isEqualTo(form);
        assertThat(raw.value().contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(RawSignatureCheck.check(ingest.stored(Topics.RAW, delivery), List.of(secret(IngestFixture.GITHUB_SECRET)))
                .signed()).isTrue();
    }

    private static byte[] secret(String secret) {
        return secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
