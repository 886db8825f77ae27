package dev.oversight.ingest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.DeliveryReceipt;
import dev.oversight.events.Evidence;
import dev.oversight.events.RawDelivery;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topic;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.IngestConfig;
import dev.oversight.ingest.IngestFixture;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.ingest.gitlab.GitLabSource;
import dev.oversight.ingest.fuzz.Mutator.Auth;
import dev.oversight.ingest.fuzz.Mutator.Case;
import dev.oversight.ingest.fuzz.Mutator.Mode;
import dev.oversight.testing.kafka.RealKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ten thousand mutated deliveries (seeded; see {@link Mutator}), most of them validly signed, through HTTP to a real
 * ingest on a real broker, several in flight on kept-alive connections. For every case: no 5xx; 401 when it is not
 * signed; 400 when its body is not JSON text one may accept ({@link Oracle#bodyProblem}); 2xx only when the fields
 * the rules rely on are well-formed ({@link Oracle#identityProblems}). Then every record on the topics: each raw
 * record's value the body as sent, byte for byte (an event of a batch: its own bytes of it), its headers the
 * contract's, well-formed, without a credential; every evidence record readable by the topic serde, read back the same by
 * policy-stream's Smile state serde, valid by the event-model's definition and by the test's own checks
 * ({@link Oracle#recordProblems}) — nothing that would go to the DLQ; exactly what the 202s said was written, and
 * nothing of any other request. The seed is printed; rerun one with {@code -Dfuzz.seed=…}.
 */
@ExtendWith(RealKafka.class)
class WebhookFuzzIT {

    /** Cases per run: at least 10,000 in CI. */
    static final int CASES = 10_000;
    private static final int IN_FLIGHT = 16;

    /** What one case was answered. */
    private record Answer(int status, JsonNode body) {}

    @Test
    void mutatedDeliveriesAreRefusedOrAcceptedWhole() throws Exception {
        long seed = Long.getLong("fuzz.seed", 7016360749457L); // fixed, so CI is repeatable; explore with -Dfuzz.seed=…
        System.out.println("WebhookFuzzIT seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        String prefix = IngestFixture.newPrefix("fuzz");
        Mutator mutator = new Mutator(Seeds.all(), "fz" + Long.toHexString(seed) + "-");
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<Integer, Answer> answers = new ConcurrentHashMap<>();
        Map<Integer, Case> accepted = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> statuses = new TreeMap<>();
        long started = System.nanoTime();
        try (IngestFixture ingest = IngestFixture.start(RealKafka.bootstrapServers(), prefix, Map.of(
                IngestConfig.MAX_BODY.name(), "4MiB", IngestConfig.KAFKA_TIMEOUT.name(), "30s"))) {
            ExecutorService executor = Executors.newFixedThreadPool(4);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            for (int i = 0; i < CASES; i++) {
                Case c = mutator.next(seed, i);
                inFlight.acquire();
                client.sendAsync(request(ingest, c), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> {
                            try {
                                if (error != null) {
                                    failures.add(c.describe() + ": no answer: " + error);
                                } else {
                                    Answer answer = new Answer(response.statusCode(), json(response.body()));
                                    answers.put(c.index(), answer);
                                    check(c, answer, failures);
                                    if (answer.status() == 202) {
                                        accepted.put(c.index(), c);
                                    }
                                }
                            } finally {
                                inFlight.release();
                            }
                        });
            }
            inFlight.acquire(IN_FLIGHT);
            long sent = System.nanoTime();
            answers.values().forEach(a -> statuses.computeIfAbsent(a.status(), s -> new AtomicInteger())
                    .incrementAndGet());
            System.out.printf("WebhookFuzzIT: %d cases in %.1f s (%.0f/s), answers %s%n", CASES,
                    (sent - started) / 1e9, CASES / ((sent - started) / 1e9), statuses);
            assertThat(failures).as("answers (seed %d)", seed).isEmpty();
            assertThat(answers).hasSize(CASES);
            checkTheTopics(ingest, accepted, answers, failures);
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        System.out.printf("WebhookFuzzIT: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        assertThat(failures).as("records (seed %d)", seed).isEmpty();
        // Not vacuous: every kind of answer was met, in numbers.
        assertThat(statuses.get(202)).as("accepted").hasValueGreaterThan(CASES / 10);
        assertThat(statuses.get(400)).as("refused as malformed").hasValueGreaterThan(CASES / 4);
        assertThat(statuses.get(401)).as("refused unsigned").hasValueGreaterThan(CASES / 50);
    }

    private static JsonNode json(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (Exception e) {
            return Json.mapper().createObjectNode().put("unreadable answer", body);
        }
    }

    /** The answer of one case against what the case is. */
    private static void check(Case c, Answer answer, Queue<String> failures) {
        int status = answer.status();
        String what = c.describe() + " answered " + status + " " + answer.body();
        if (status >= 500) {
            failures.add(what + ": a 5xx");
            return;
        }
        if (c.auth() != Auth.VALID) {
            if (status != 401) {
                failures.add(what + ": not signed, yet not 401");
            }
            return;
        }
        Oracle.Body body = Oracle.inspect(c.json());
        if (body.problem() != null) {
            if (status != 400) {
                failures.add(what + ": the body has " + body.problem() + ", yet not 400");
            }
            return;
        }
        if (status == 202 && "accepted".equals(answer.body().path("status").asText())) {
            List<String> problems = Oracle.identityProblems(c.mode(), c.event(), body.json());
            if (!problems.isEmpty()) {
                failures.add(what + ": accepted with " + problems);
            }
        }
        if (status != 202 && status != 200 && status != 400 && status != 413 && status != 415) {
            failures.add(what + ": an unexpected status");
        }
    }

    private static HttpRequest request(IngestFixture ingest, Case c) {
        String path = switch (c.mode()) {
            case GITHUB_JSON, GITHUB_FORM -> "/webhooks/github";
            case GITLAB -> "/webhooks/gitlab";
            case JENKINS -> "/webhooks/jenkins" + switch (c.auth()) {
                case VALID -> "?token=" + IngestFixture.EVENTS_TOKEN;
                case WRONG -> "?token=guess";
                case MISSING -> "";
            };
            default -> "/events";
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest.uri(path)).timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        c.headers().forEach(request::header);
        if (c.auth() != Auth.MISSING) {
            boolean valid = c.auth() == Auth.VALID;
            switch (c.mode()) {
                case GITHUB_JSON, GITHUB_FORM -> request.header(GitHubSignature.HEADER,
                        GitHubSignature.sign(valid ? IngestFixture.GITHUB_SECRET : "a guess", c.body()));
                case GITLAB -> request.header(GitLabSource.TOKEN_HEADER, valid ? IngestFixture.GITLAB_TOKEN : "guess");
                case JENKINS -> { }
                default -> request.header("Authorization", "Bearer "
                        + (valid ? IngestFixture.EVENTS_TOKEN : IngestFixture.GITLAB_TOKEN));
            }
        }
        return request.build();
    }

    /** The ids the records of an accepted case carry: its header's, or for CloudEvents those its body names. */
    private static Set<String> deliveryIds(Case c) {
        Set<String> ids = new HashSet<>(c.deliveryIds());
        JsonNode json = Oracle.parse(new String(c.json(), StandardCharsets.UTF_8));
        if (c.mode() == Mode.CE_STRUCTURED && json != null) {
            ids.add(json.path("id").asText());
        } else if (c.mode() == Mode.CE_BATCH && json != null) {
            json.forEach(event -> ids.add(event.path("id").asText()));
        }
        return ids;
    }

    /**
     * Every record on every topic of this run: written by an accepted case, exactly as many as the 202s said, each one
     * readable downstream.
     */
    private static void checkTheTopics(IngestFixture ingest, Map<Integer, Case> accepted, Map<Integer, Answer> answers,
                                       Queue<String> failures) {
        Set<String> allowed = new HashSet<>();
        accepted.values().forEach(c -> allowed.addAll(deliveryIds(c)));
        int deliveries = 0;
        int records = 0;
        for (Map.Entry<Integer, Case> entry : accepted.entrySet()) {
            JsonNode answer = answers.get(entry.getKey()).body();
            deliveries += answer.has("accepted") ? answer.get("accepted").asInt() : 1;
            records += answer.get("records").asInt();
        }
        int evidenceExpected = records - 2 * deliveries;
        List<ConsumerRecord<String, byte[]>> raw = await(ingest, List.of(Topics.RAW), deliveries);
        List<ConsumerRecord<String, byte[]>> evidence = await(ingest, List.of(Topics.REVIEWS, Topics.CI,
                Topics.DEPLOYS), evidenceExpected);
        List<ConsumerRecord<String, byte[]>> receipts = await(ingest, List.of(Topics.INGEST_DEDUP), deliveries);
        System.out.printf("WebhookFuzzIT: %d deliveries accepted: %d raw records, %d evidence records, %d receipts%n",
                deliveries, raw.size(), evidence.size(), receipts.size());

        assertThat(raw).as("raw records: one per accepted delivery").hasSize(deliveries);
        assertThat(evidence).as("evidence records: as many as the 202s said").hasSize(evidenceExpected);
        assertThat(receipts).as("receipts: one per accepted delivery").hasSize(deliveries);
        assertThat(ingest.readAll(Topics.DLQ)).as("dead letters").isEmpty();

        Map<String, List<Case>> casesOf = new HashMap<>();
        accepted.values().forEach(c -> deliveryIds(c).forEach(id -> casesOf.computeIfAbsent(id,
                k -> new ArrayList<>()).add(c)));
        for (ConsumerRecord<String, byte[]> record : raw) {
            String where = "raw record " + record.partition() + "@" + record.offset();
            List<String> problems = rawProblems(record, casesOf);
            if (!problems.isEmpty()) {
                failures.add(where + ": " + problems);
            }
        }
        for (ConsumerRecord<String, byte[]> record : evidence) {
            String where = "evidence " + record.topic() + " " + record.partition() + "@" + record.offset();
            List<String> problems = Oracle.recordProblems(record.value());
            if (!problems.isEmpty()) {
                failures.add(where + ": " + problems + " in " + new String(record.value(), StandardCharsets.UTF_8));
                continue;
            }
            Evidence e = Topics.REVIEWS.valueSerde().deserializer().deserialize("evidence", record.value());
            if (!allowed.contains(e.deliveryId())) {
                failures.add(where + " is of delivery " + e.deliveryId() + ", which was not accepted");
            }
        }
        for (ConsumerRecord<String, byte[]> record : receipts) {
            DeliveryReceipt receipt = Topics.INGEST_DEDUP.valueSerde().deserializer().deserialize("r", record.value());
            if (!allowed.contains(receipt.deliveryId())) {
                failures.add("a receipt of delivery " + receipt.deliveryId() + ", which was not accepted");
            }
        }
    }

    /** Attributes every raw record carries, by their header names. */
    private static final Set<String> ATTRIBUTES = Set.of("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time",
            "ce_subject", "ce_eventtype", "content-type");
    private static final Set<String> SECRETS = Set.of(IngestFixture.GITHUB_SECRET, IngestFixture.GITLAB_TOKEN,
            IngestFixture.EVENTS_TOKEN);

    /**
     * What is wrong with one raw record: its value must be, byte for byte, the body an accepted case sent (for an
     * event of a batch, its own bytes of the batch, at the place the record names), and its headers well-formed —
     * the attributes present once and strict UTF-8, no header but those of the contract, no credential.
     */
    private static List<String> rawProblems(ConsumerRecord<String, byte[]> record, Map<String, List<Case>> casesOf) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Header header : record.headers()) {
            String key = header.key();
            counts.merge(key, 1, Integer::sum);
            if (!ATTRIBUTES.contains(key) && !key.equals("ce_batchindex") && !key.equals("ce_batchsize")
                    && !key.startsWith("http_")) {
                problems.add("a header outside the contract: " + key);
            }
            if (key.startsWith("ce_") || key.equals("content-type")) {
                if (!strictUtf8(header.value())) {
                    problems.add("header " + key + " is not strict UTF-8");
                }
            }
            String value = new String(header.value(), StandardCharsets.ISO_8859_1);
            String lower = key.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("token") || lower.contains("authorization") || lower.contains("cookie")
                    || SECRETS.stream().anyMatch(value::contains)) {
                problems.add("a credential kept: " + key);
            }
        }
        ATTRIBUTES.forEach(name -> {
            if (counts.getOrDefault(name, 0) != 1) {
                problems.add("header " + name + " " + counts.getOrDefault(name, 0) + " times");
            }
        });
        if (!problems.isEmpty()) {
            return problems;
        }
        RawDelivery delivery;
        try {
            delivery = Topics.RAW.valueSerde().deserializer().deserialize("raw", record.headers(), record.value());
        } catch (RuntimeException e) {
            return List.of("unreadable: " + e);
        }
        if (delivery.schema() != RawDelivery.SCHEMA || !record.key().equals(delivery.repository())) {
            problems.add("schema " + delivery.schema() + ", subject " + delivery.repository() + " under key "
                    + record.key());
        }
        List<Case> cases = casesOf.getOrDefault(delivery.deliveryId(), List.of());
        if (cases.isEmpty()) {
            problems.add("of delivery " + delivery.deliveryId() + ", which was not accepted");
        } else if (cases.stream().noneMatch(c -> isItsBody(c, delivery))) {
            problems.add("delivery " + delivery.deliveryId() + " (" + cases.get(0).describe() + ") is not the body "
                    + "as sent: " + delivery.body().length + " bytes, batch " + delivery.batch());
        }
        return problems;
    }

    /** Whether the record's value is the case's body as sent, or for a batch the event at the place it names. */
    private static boolean isItsBody(Case c, RawDelivery delivery) {
        if (c.mode() != Mode.CE_BATCH) {
            return delivery.batch() == null && Arrays.equals(delivery.body(), c.body());
        }
        JsonNode batch = Oracle.parse(new String(c.body(), StandardCharsets.UTF_8));
        RawDelivery.Batch place = delivery.batch();
        if (batch == null || place == null || place.size() != batch.size() || place.index() < 1
                || place.index() > batch.size()) {
            return false;
        }
        JsonNode event = Oracle.parse(delivery.bodyText());
        return event != null && event.equals(batch.get(place.index() - 1)) && indexOf(c.body(), delivery.body()) >= 0;
    }

    private static boolean strictUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Where {@code part} starts in {@code whole}, or -1: the event's bytes are a slice of the batch as sent. */
    private static int indexOf(byte[] whole, byte[] part) {
        for (int i = 0; i + part.length <= whole.length; i++) {
            if (Arrays.equals(whole, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The records of these topics, once there are at least {@code expected} (a commit's markers may lag its 202). */
    private static List<ConsumerRecord<String, byte[]>> await(IngestFixture ingest,
                                                              List<Topic<String, ?>> topics, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
            topics.forEach(t -> all.addAll(ingest.readAll(t)));
            if (all.size() >= expected || System.nanoTime() > deadline) {
                return all;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // between reads of the condition
        }
    }
}
