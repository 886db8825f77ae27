package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker stops while ingest runs: deliveries are answered 503 with Retry-After and nothing of them is written;
 * once the broker is back, the retried delivery is accepted, once. Runs on a broker of its own (an in-process
 * KafkaClusterTestKit node whose broker is shut down and started again on the same port and data), never on the
 * broker the other tests share.
 */
class KafkaUnavailableIT {

    private static final byte[] PUSH = Payloads.bytes("gitlab/go-gitlab/push.json");

    private static KafkaClusterTestKit cluster;
    private static IngestFixture ingest;

    @BeforeAll
    static void start() throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        RealKafka.singleNodeSettings().forEach(builder::setConfigProp);
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        ingest = IngestFixture.start(cluster.bootstrapServers(), IngestFixture.newPrefix("kafka-down"), Map.of(
                "OVERSIGHT_TOPIC_PARTITIONS", "1",
                IngestConfig.KAFKA_TIMEOUT.name(), "2s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    private static int ready() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(ingest.uri("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void whileTheBrokerIsDownDeliveriesAre503AndTheRetryIsAcceptedOnceItIsBack() throws Exception {
        String before = UUID.randomUUID().toString();
        assertThat(ingest.gitlab("Push Hook", before, PUSH).statusCode()).isEqualTo(202);

        broker().shutdown();
        String during = UUID.randomUUID().toString();
        HttpResponse<String> unavailable = ingest.gitlab("Push Hook", during, PUSH);
        assertThat(unavailable.statusCode()).as(unavailable.body()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(Json.mapper().readTree(unavailable.body()).get("error").asText())
                .contains("Kafka cannot take the event").contains("nothing of delivery " + during + " was written");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ready() == 200) {
            assertThat(System.nanoTime()).as("readiness still 200 with the broker down").isLessThan(deadline);
        }

        broker().startup();
        cluster.waitForReadyBrokers();
        // The sender retries, as GitHub's and GitLab's redelivery would, until it is told 202.
        List<Integer> answers = new ArrayList<>();
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        HttpResponse<String> retried;
        do {
            retried = ingest.gitlab("Push Hook", during, PUSH);
            answers.add(retried.statusCode());
            assertThat(System.nanoTime()).as("retries answered %s", answers).isLessThan(deadline);
        } while (retried.statusCode() == 503);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(answers.subList(0, answers.size() - 1)).allMatch(status -> status == 503);

        HttpResponse<String> again = ingest.gitlab("Push Hook", during, PUSH);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(again.body()).get("status").asText()).isEqualTo("duplicate");

        // One partition per topic: once the retried delivery is visible, every earlier attempt's transaction was
        // decided. Each delivery is there once, raw record and evidence alike.
        try (TopicProbe<RawDelivery> raw = ingest.probe(Topics.RAW); TopicProbe<Evidence> reviews =
                ingest.probe(Topics.REVIEWS)) {
            List<String> raws = raw.awaitRecords(list -> list.stream().anyMatch(r -> r.value().deliveryId()
                    .equals(during)), Duration.ofSeconds(30)).stream().map(r -> r.value().deliveryId()).toList();
            assertThat(raws).containsExactly(before, during);
            List<String> evidence = reviews.awaitRecords(list -> list.stream().anyMatch(r -> r.value().deliveryId()
                    .equals(during)), Duration.ofSeconds(30)).stream().map(ConsumerRecord::value)
                    .map(Evidence::deliveryId).toList();
            assertThat(evidence).containsExactly(before, during);
        }
        assertThat(ingest.registry().scrape()).containsPattern(
                "oversight_webhook_requests_seconds_count\\{event=\"push\",outcome=\"unavailable\",source=\"gitlab\"} [1-9]");
    }
}
