package dev.oversight.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestFixture;
import dev.oversight.ingest.Payloads;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A delivery id seen before is answered 200 "duplicate" and writes nothing: on one instance, for deliveries arriving
 * together, after a restart, and on another instance once it has read the first one's receipt.
 */
@ExtendWith(RealKafka.class)
class DedupIT {

    private static final byte[] PUSH = Payloads.bytes("gitlab/go-gitlab/push.json");
    private static final String REPOSITORY = "gitlab:mike/diaspora";

    private static IngestFixture start(String prefix, String instance) throws Exception {
        return IngestFixture.start(RealKafka.bootstrapServers(), prefix,
                Map.of(IngestConfig.INSTANCE_ID.name(), instance));
    }

    private static String status(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).get("status").asText();
    }

    /**
     * The raw records of a repository's deliveries, read after a sentinel delivery of the same repository (so the
     * same partition) was accepted: anything written before it is visible by then.
     */
    private static List<String> rawDeliveriesAfterSentinel(IngestFixture ingest) throws Exception {
        String sentinel = "sentinel-" + UUID.randomUUID();
        assertThat(ingest.gitlab("Push Hook", sentinel, PUSH).statusCode()).isEqualTo(202);
        try (TopicProbe<RawDelivery> raw = ingest.probe(Topics.RAW)) {
            return raw.awaitRecords(list -> list.stream().anyMatch(r -> r.value().deliveryId().equals(sentinel)),
                            Duration.ofSeconds(30)).stream()
                    .filter(r -> r.key().equals(REPOSITORY)).map(ConsumerRecord::value).map(RawDelivery::deliveryId)
                    .toList();
        }
    }

    /** The delivery is answered 200 "duplicate", and its raw record is on the topic once. */
    private static void assertDuplicate(IngestFixture ingest, String uuid) throws Exception {
        HttpResponse<String> replay = ingest.gitlab("Push Hook", uuid, PUSH);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(status(replay)).isEqualTo("duplicate");
        assertThat(rawDeliveriesAfterSentinel(ingest)).filteredOn(uuid::equals).hasSize(1);
    }

    private static double dedupHits(PrometheusMeterRegistry registry, String source) {
        var counter = registry.find("oversight.ingest.dedup.hits").tag("source", source).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aReplayedDeliveryIsADuplicateAndWritesNothing() throws Exception {
        try (IngestFixture ingest = start(IngestFixture.newPrefix("dedup-replay"), "replay")) {
            String uuid = UUID.randomUUID().toString();
            assertThat(ingest.gitlab("Push Hook", uuid, PUSH).statusCode()).isEqualTo(202);
            assertDuplicate(ingest, uuid);
            assertThat(dedupHits(ingest.registry(), "gitlab")).isEqualTo(1.0);
            assertThat(ingest.registry().scrape())
                    .contains("oversight_webhook_requests_seconds_count{event=\"push\",outcome=\"duplicate\",source=\"gitlab\"} 1");
        }
    }

    @Test
    void identicalDeliveriesArrivingTogetherAreWrittenOnce() throws Exception {
        try (IngestFixture ingest = start(IngestFixture.newPrefix("dedup-together"), "together")) {
            String uuid = UUID.randomUUID().toString();
            ExecutorService senders = Executors.newFixedThreadPool(12);
            try {
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return ingest.gitlab("Push Hook", uuid, PUSH);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, senders));
                }
                List<Integer> statuses = answers.stream().map(CompletableFuture::join)
                        .map(HttpResponse::statusCode).toList();
                assertThat(statuses).containsOnly(202, 200);
                assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
            } finally {
                senders.shutdownNow();
            }
            assertThat(rawDeliveriesAfterSentinel(ingest)).filteredOn(uuid::equals).hasSize(1);
            assertThat(dedupHits(ingest.registry(), "gitlab")).isEqualTo(11.0);
        }
    }

    @Test
    void theMemorySurvivesARestart() throws Exception {
        String prefix = IngestFixture.newPrefix("dedup-restart");
        String uuid = UUID.randomUUID().toString();
        try (IngestFixture before = start(prefix, "restarted")) {
            assertThat(before.gitlab("Push Hook", uuid, PUSH).statusCode()).isEqualTo(202);
        }
        try (IngestFixture after = start(prefix, "restarted")) {
            assertDuplicate(after, uuid);
        }
    }

    @Test
    void anotherInstanceRecognizesWhatTheFirstAcceptedOnceItReadItsReceipt() throws Exception {
        String prefix = IngestFixture.newPrefix("dedup-instances");
        try (IngestFixture first = start(prefix, "first"); IngestFixture second = start(prefix, "second")) {
            String uuid = UUID.randomUUID().toString();
            assertThat(first.gitlab("Push Hook", uuid, PUSH).statusCode()).isEqualTo(202);
            awaitRemembered(second.registry(), 1, Duration.ofSeconds(30));
            assertDuplicate(second, uuid);
        }
    }

    @Test
    void aRepeatedBatchIsADuplicateAndAPartlyNewOneWritesOnlyTheNewEvents() throws Exception {
        try (IngestFixture ingest = start(IngestFixture.newPrefix("dedup-batch"), "batch")) {
            String a = UUID.randomUUID().toString();
            String b = UUID.randomUUID().toString();
            ArrayNode first = Json.mapper().createArrayNode().add(pipeline(a));
            assertThat(ingest.events("application/cloudevents-batch+json", Map.of(), Json.toBytes(first)).statusCode())
                    .isEqualTo(202);
            HttpResponse<String> again = ingest.events("application/cloudevents-batch+json", Map.of(),
                    Json.toBytes(first));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(status(again)).isEqualTo("duplicate");
            ArrayNode partly = Json.mapper().createArrayNode().add(pipeline(a)).add(pipeline(b));
            HttpResponse<String> mixed = ingest.events("application/cloudevents-batch+json", Map.of(),
                    Json.toBytes(partly));
            assertThat(mixed.statusCode()).isEqualTo(202);
            assertThat(Json.mapper().readTree(mixed.body()).get("accepted").asInt()).isEqualTo(1);
            assertThat(Json.mapper().readTree(mixed.body()).get("duplicates").asInt()).isEqualTo(1);
            assertThat(ingest.awaitDelivery(Topics.RAW, b)).hasSize(1);
            assertThat(ingest.readAll(Topics.RAW)).hasSize(2);
        }
    }

    /** A CDEvents pipelinerun.finished in structured mode with the given id. */
    private static ObjectNode pipeline(String id) {
        return Payloads.structured(Payloads.cdevent("v0.5.1/pipelinerun_finished.json", id));
    }

    private static void awaitRemembered(PrometheusMeterRegistry registry, int entries, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (registry.get("oversight.ingest.dedup.entries").gauge().value() < entries) {
            assertThat(System.nanoTime()).as("the second instance did not read the receipt in time").isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // between polls of the condition
        }
    }
}
