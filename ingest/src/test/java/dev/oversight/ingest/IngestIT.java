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
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.TopicProvisioner;
import dev.oversight.runtime.metrics.MetricsSetup;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
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

    private static final String SECRET = "ingest-it-secret";
    private static final String PREFIX = "it-ingest-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ServiceRunner runner;
    private static IngestConfig config;
    private static PrometheusMeterRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        config = IngestConfig.read(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers(),
                "OVERSIGHT_TOPIC_PREFIX", PREFIX,
                "OVERSIGHT_TOPIC_PARTITIONS", "2",
                IngestConfig.HTTP_HOST, "127.0.0.1",
                IngestConfig.HTTP_PORT, "0",
                IngestConfig.MAX_BODY, "64KiB",
                IngestConfig.GITHUB_SECRET, "an-older-secret," + SECRET,
                IngestConfig.INSTANCE_ID, "ingest-it")), null);
        TopicProvisioner.ensure(config.kafka(), Duration.ofSeconds(30));
        registry = MetricsSetup.prometheus();
        runner = ServiceRunner.start("127.0.0.1", 0, Duration.ofSeconds(30), registry,
                List.of(new IngestService(config, registry, Clock.systemUTC())));
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    private static byte[] payload(String file) throws IOException {
        try (InputStream in = IngestIT.class.getResourceAsStream("/github/hub4j/" + file)) {
            return in.readAllBytes();
        }
    }

    private static HttpResponse<String> post(String event, String delivery, byte[] body, String signature,
                                             String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + runner.httpPort() + "/webhooks/github"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (event != null) {
            request.header("X-GitHub-Event", event);
        }
        if (delivery != null) {
            request.header("X-GitHub-Delivery", delivery);
        }
        if (signature != null) {
            request.header(GitHubSignature.HEADER, signature);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postSigned(String event, String delivery, byte[] body) throws Exception {
        return post(event, delivery, body, GitHubSignature.sign(SECRET, body), "application/json");
    }

    private static TopicProbe<RawDelivery> raw() {
        return new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "raw", Topics.RAW.valueSerde().deserializer());
    }

    private static TopicProbe<Evidence> reviews() {
        return new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "reviews",
                Topics.REVIEWS.valueSerde().deserializer());
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
                assertThat(r.value().body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(body);
                assertThat(r.value().headers()).containsEntry("x-github-delivery", delivery)
                        .containsKey("x-hub-signature-256");
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.ID)).isEqualTo(delivery);
                assertThat(CloudEventHeaders.read(r.headers(), CloudEventHeaders.TYPE)).isEqualTo("dev.oversight.delivery.v1");
            });
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
        assertThat(registry.scrape()).contains("oversight_webhook_requests_seconds_count{event=\"pull_request\",outcome=\"accepted\",source=\"github\"}");
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

        HttpResponse<String> noEvent = post(null, delivery, body, GitHubSignature.sign(SECRET, body), "application/json");
        assertThat(noEvent.statusCode()).isEqualTo(400);
        assertThat(noEvent.body()).contains("missing header X-GitHub-Event");

        HttpResponse<String> wrongType = post("status", delivery, body, GitHubSignature.sign(SECRET, body), "text/plain");
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
        assertThat(registry.scrape())
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
        HttpResponse<String> response = post("deployment_status", UUID.randomUUID().toString(), form,
                GitHubSignature.sign(SECRET, form), "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).isEqualTo(202);
    }
}
