package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.report.ReportConfig;
import dev.oversight.report.ReportService;
import dev.oversight.runtime.ServiceRunner;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.runtime.metrics.MetricsSetup;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oversight whatif} on a real broker: a platform of its own decides three deploys from signed GitHub webhooks
 * (GitHub's example payloads) and is stopped; then the command replays that history with the policy in force (nothing
 * flips), a stricter one (two approvals) and a looser one (only the build check required), each flip asserted, and
 * writes nothing to any topic and leaves no consumer group behind.
 */
@ExtendWith(RealKafka.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhatIfIT {

    private static final String SECRET = "whatif-secret";
    private static final String PREFIX = "it-replay-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final GitHubPayloads GITHUB = new GitHubPayloads("acme/ledger");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant NOW = Instant.now();
    /** Reviewed by one other person: compliant now, short of a second approval. */
    private static final String ONE_APPROVAL = "github:acme/ledger/deployments/9101";
    /** Reviewed by two: compliant under both. */
    private static final String TWO_APPROVALS = "github:acme/ledger/deployments/9102";
    /** Reviewed by one, its lint check failed: a violation now (every reported check must pass). */
    private static final String LINT_FAILED = "github:acme/ledger/deployments/9103";

    @TempDir
    static Path dataDir;
    private static Path current;
    private static Admin admin;

    @BeforeAll
    static void recordHistory() throws Exception {
        Map<String, String> settings = EndToEndIT.settings(PREFIX, dataDir, SECRET, "current");
        current = dataDir.resolve("policy.yaml");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers()));
        try (Platform platform = Platform.start(Settings.of(settings))) {
            assertThat(platform.awaitReady(Duration.ofSeconds(60))).as("platform ready").isTrue();
            URI url = URI.create("http://127.0.0.1:" + platform.httpPort() + "/webhooks/github");
            change(url, 601, "alice", List.of("bob"), Map.of("build", "success"), 9101);
            change(url, 602, "carol", List.of("bob", "dave"), Map.of("build", "success"), 9102);
            change(url, 603, "erin", List.of("bob"), Map.of("build", "success", "lint", "failure"), 9103);
            try (TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                    Topics.VERDICTS.valueSerde().deserializer())) {
                List<Verdict> all = verdicts.await(list -> list.stream().anyMatch(v -> v.deployId().equals(LINT_FAILED)
                                && v.status() == VerdictStatus.VIOLATION) && list.stream().anyMatch(v -> v.deployId()
                                .equals(ONE_APPROVAL) && v.status() == VerdictStatus.COMPLIANT) && list.stream()
                                .anyMatch(v -> v.deployId().equals(TWO_APPROVALS) && v.status() == VerdictStatus.COMPLIANT),
                        Duration.ofSeconds(60));
                assertThat(all).as("the history as recorded").isNotEmpty();
            }
        }
    }

    private static void change(URI url, int number, String author, List<String> reviewers,
                               Map<String, String> checks, long deployment) throws Exception {
        String head = sha("whatif-head-" + number);
        String merge = sha("whatif-merge-" + number);
        Instant at = NOW.minusSeconds(3_600 - number);
        send(url, GITHUB.pullRequest("opened", number, "Change " + number, author, head, null, null, at));
        for (String reviewer : reviewers) {
            send(url, GITHUB.review(number, author, reviewer, "approved", head, at.plusSeconds(10)));
        }
        send(url, GITHUB.pullRequest("closed", number, "Change " + number, author, head, merge, reviewers.get(0),
                at.plusSeconds(20)));
        for (var check : checks.entrySet()) {
            send(url, GITHUB.checkRun(check.getKey(), merge, check.getValue(), at.plusSeconds(30)));
        }
        send(url, GITHUB.deploymentStatus(deployment, merge, "production", "deployer", "success", at.plusSeconds(40)));
    }

    private static void send(URI url, GitHubPayloads.Delivery delivery) throws Exception {
        HttpResponse<String> response = HTTP.send(delivery.request(url, SECRET), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(delivery.description() + ": " + response.body()).isEqualTo(202);
    }

    private static String sha(String seed) {
        return String.format("%040x", new java.math.BigInteger(1, seed.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 40);
    }

    @AfterAll
    static void close() {
        if (admin != null) {
            admin.close();
        }
    }

    /** What the command printed and returned. */
    record Ran(int exit, String out, String err) {}

    private static Ran whatIf(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", RealKafka.bootstrapServers(),
                "--from", NOW.minus(Duration.ofHours(2)).toString(), "--to", NOW.plus(Duration.ofHours(1)).toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Long> offsetsBefore = endOffsets();
        Set<String> groupsBefore = groups();
        int exit = WhatIfCommand.run(all.toArray(String[]::new), Settings.of(Map.of("OVERSIGHT_TOPIC_PREFIX", PREFIX)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(endOffsets()).as("the end offset of every topic, after").isEqualTo(offsetsBefore);
        assertThat(groups()).as("the consumer groups, after").isEqualTo(groupsBefore)
                .noneMatch(g -> g.contains("whatif"));
        return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Long> endOffsets() throws Exception {
        Set<String> topics = admin.listTopics().names().get();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(),
                p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().offset()));
    }

    private static Set<String> groups() throws Exception {
        return admin.listGroups().all().get().stream().map(GroupListing::groupId).collect(Collectors.toSet());
    }

    private static Path policy(String name, String rules) throws Exception {
        Path file = dataDir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                grace: 2s
                environments:
                  production: { protected: true, action: alert }
                %s""".formatted(name, rules));
        return file;
    }

    @Test
    void thePolicyInForceFlipsNothingAndSaysSo() throws Exception {
        Ran ran = whatIf("--policy", current.toString());
        assertThat(ran.exit()).as(ran.out() + ran.err()).isZero();
        assertThat(ran.err()).as("the progress bar").contains("replaying the evidence [");
        assertThat(ran.out()).contains("Every verdict is the same under policy 'current': 3 of 3 deploys compared,"
                + " none flipped.");
    }

    @Test
    void twoApprovalsFlipTheDeployWithOneToAViolationAndAddTheReasonToTheOtherViolation() throws Exception {
        Path strict = policy("two-approvals", """
                rules:
                  - approvals: { count: 2 }
                """);
        Ran ran = whatIf("--policy", strict.toString(), "--format", "json");
        assertThat(ran.exit()).as(ran.err()).isEqualTo(1);
        JsonNode report = Json.mapper().readTree(ran.out());
        assertThat(report.get("compared").asInt()).isEqualTo(3);
        assertThat(report.get("equal").asInt()).as("the deploy with two approvals").isEqualTo(1);
        assertThat(report.get("toViolation").asInt()).isEqualTo(1);
        assertThat(report.get("reasonsOnly").asInt()).isEqualTo(1);
        assertThat(report.get("toCompliant").asInt()).isZero();
        JsonNode flips = report.get("flips");
        assertThat(flips).hasSize(2);
        JsonNode toViolation = flips.get(0);
        assertThat(toViolation.get("kind").asText()).isEqualTo("TO_VIOLATION");
        assertThat(toViolation.at("/deploy/deployId").asText()).isEqualTo(ONE_APPROVAL);
        assertThat(toViolation.at("/recorded/status").asText()).isEqualTo("COMPLIANT");
        assertThat(toViolation.at("/whatIf/status").asText()).isEqualTo("VIOLATION");
        assertThat(toViolation.get("reasonsAdded").toString()).isEqualTo("[\"NO_APPROVAL\"]");
        assertThat(toViolation.at("/deploy/changes/0/approvers").toString()).isEqualTo("[\"bob\"]");
        JsonNode reasons = flips.get(1);
        assertThat(reasons.get("kind").asText()).isEqualTo("REASONS");
        assertThat(reasons.at("/deploy/deployId").asText()).isEqualTo(LINT_FAILED);
        assertThat(reasons.at("/recorded/reasons").toString()).isEqualTo("[\"CI_FAILED\"]");
        assertThat(reasons.at("/whatIf/reasons").toString()).isEqualTo("[\"CI_FAILED\",\"NO_APPROVAL\"]");
        assertThat(report.at("/byReason/NO_APPROVAL/added").asInt()).isEqualTo(2);
        assertThat(report.at("/byEnvironment/production/toViolation").asInt()).isEqualTo(1);
        assertThat(ran.err()).contains("1 deploy would become violations");

        Ran table = whatIf("--policy", strict.toString(), "--limit", "1");
        assertThat(table.exit()).isEqualTo(1);
        assertThat(table.out()).contains("The first 1 of 2 flips:").contains(ONE_APPROVAL)
                .contains("COMPLIANT  ").contains("VIOLATION NO_APPROVAL").contains("+NO_APPROVAL")
                .contains("github:acme/ledger#601 by alice, approved by bob").doesNotContain(LINT_FAILED);
    }

    @Test
    void onlyTheBuildCheckRequiredFlipsTheLintFailureToCompliant() throws Exception {
        Path loose = policy("build-only", """
                rules:
                  - checks: [build]
                """);
        Ran ran = whatIf("--policy", loose.toString(), "--format", "markdown");
        assertThat(ran.exit()).as(ran.out() + ran.err()).isZero();
        assertThat(ran.out()).contains("**0 deploys would become violations, 1 would no longer be, 0 change status"
                + " otherwise, 0 change reasons only (3 deploys compared under policy 'build-only').**");
        assertThat(ran.out()).contains("| " + LINT_FAILED + " |").contains("| VIOLATION CI_FAILED | COMPLIANT | -CI_FAILED |");
        assertThat(ran.out().lines().filter(l -> l.startsWith("| github:acme/ledger/deployments/"))).hasSize(1);
    }

    @Test
    void aPolicyFileWithProblemsIsOneLineAndExitTwo() throws Exception {
        Path bad = dataDir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nenvironments:\n  production: { protected: maybe }\nrulez: []\n");
        Ran ran = whatIf("--policy", bad.toString());
        assertThat(ran.exit()).isEqualTo(2);
        assertThat(ran.err().strip()).startsWith("oversight: " + bad).doesNotContain("\n");
        assertThat(ran.out()).isEmpty();
    }

    @Test
    void theReportPageComparesAnUploadedPolicyForWhoeverHasTheToken() throws Exception {
        String token = "whatif-page-" + UUID.randomUUID();
        KafkaConnection kafka = new KafkaConnection(RealKafka.bootstrapServers(), PREFIX, 3, 1, Map.of());
        ReportService service = new ReportService(new ReportConfig(dataDir.resolve("report.duckdb"),
                java.util.Optional.of(token), 500, 20, Duration.ofDays(30), "127.0.0.1", 0, kafka), MetricsSetup.prometheus(),
                java.time.Clock.systemUTC());
        Map<String, Long> offsetsBefore = endOffsets();
        Set<String> groupsBefore = groups();
        try (ServiceRunner runner = ServiceRunner.start("127.0.0.1", 0, Duration.ofSeconds(30),
                MetricsSetup.prometheus(), List.of(service))) {
            URI page = URI.create("http://127.0.0.1:" + runner.httpPort() + "/whatif");
            Path strict = policy("two-approvals-page", """
                    rules:
                      - approvals: { count: 2 }
                    """);
            String from = NOW.minus(Duration.ofHours(2)).toString();
            assertThat(upload(page, strict, from, null).statusCode()).as("without the token").isEqualTo(401);

            HttpResponse<String> compared = upload(page, strict, from, token);
            assertThat(compared.statusCode()).as(compared.body()).isEqualTo(200);
            assertThat(compared.body()).contains("1 deploy would become violations, 0 would no longer be")
                    .contains("<tr class=\"flip-TO_VIOLATION\">").contains(ONE_APPROVAL)
                    .contains("<tr class=\"flip-REASONS\">").contains("+NO_APPROVAL");

            Path bad = dataDir.resolve("bad-page.yaml");
            Files.writeString(bad, "name: bad\nrulez: []\n");
            HttpResponse<String> refused = upload(page, bad, from, token);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("bad-page.yaml cannot be used").contains("rulez");
        }
        assertThat(endOffsets()).as("the end offset of every topic, after").isEqualTo(offsetsBefore);
        assertThat(groups()).as("the consumer groups, after").isEqualTo(groupsBefore);
    }

    /** The page's form as a browser sends it: multipart, the policy as a file. */
    private static HttpResponse<String> upload(URI page, Path policy, String from, String token) throws Exception {
        String boundary = "----whatif" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\n" + from + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"policy\"; filename=\""
                + policy.getFileName() + "\"\r\nContent-Type: application/yaml\r\n\r\n" + Files.readString(policy)
                + "\r\n--" + boundary + "--\r\n";
        HttpRequest.Builder request = HttpRequest.newBuilder(page)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Last: it deletes records, as retention would. */
    @Test
    @Order(Integer.MAX_VALUE)
    void deploysWhoseEvidenceRetentionDeletedAreUnknownNeverTheSame() throws Exception {
        String reviews = PREFIX + "reviews";
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        Map<String, Long> ends = endOffsets();
        admin.describeTopics(Set.of(reviews)).allTopicNames().get().get(reviews).partitions().stream()
                .filter(p -> ends.get(reviews + "-" + p.partition()) > 0)
                .forEach(p -> delete.put(new TopicPartition(reviews, p.partition()), RecordsToDelete.beforeOffset(1)));
        assertThat(delete).as("the partition of acme/ledger").hasSize(1);
        admin.deleteRecords(delete).all().get();

        Ran ran = whatIf("--policy", current.toString(), "--format", "csv");
        assertThat(ran.exit()).as(ran.err()).isZero();
        List<String> rows = ran.out().lines().skip(1).toList();
        assertThat(rows).hasSize(3).allMatch(r -> r.startsWith("UNKNOWN,github:acme/ledger/deployments/910"));
        assertThat(rows.get(0)).contains("is no longer on " + reviews + " (retention)");
        assertThat(ran.err()).contains("none flipped; 3 UNKNOWN (evidence no longer complete)");
    }
}
