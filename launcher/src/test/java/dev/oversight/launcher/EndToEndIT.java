package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.rollback.alert.WebhookSink;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole flow on a real broker: signed GitHub webhooks (GitHub's own example payloads, edited per case) go in
 * over HTTP; the verdicts are read back from the verdicts topic and the alerts from a real HTTP receiver.
 */
@ExtendWith(RealKafka.class)
class EndToEndIT {

    private static final String SECRET = "e2e-secret";
    private static final String ALERT_SECRET = "alert-signing-secret";
    private static final String PREFIX = "it-e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".";

    @TempDir
    static Path dataDir;
    private static Platform platform;
    private static RecordingHttpServer receiver;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final GitHubPayloads GITHUB = new GitHubPayloads("acme/ledger");
    private static final Instant NOW = Instant.now();

    @BeforeAll
    static void start() throws Exception {
        receiver = RecordingHttpServer.start();
        Map<String, String> settings = new java.util.HashMap<>(settings(PREFIX, dataDir, SECRET, "e2e"));
        settings.put("OVERSIGHT_ALERT_WEBHOOK_URL", receiver.url("/hooks/oversight").toString());
        settings.put("OVERSIGHT_ALERT_WEBHOOK_SECRET", ALERT_SECRET);
        platform = Platform.start(Settings.of(settings));
        assertThat(platform.awaitReady(Duration.ofSeconds(60))).as("platform ready").isTrue();
    }

    /**
     * A platform of its own on the test broker: topics, Kafka Streams application and worker group under
     * {@code prefix}, HTTP on a free loopback port, GitHub webhooks signed with {@code secret}, and a policy named
     * {@code policyName} (grace 2 s, production protected with action alert) written into {@code dataDir}.
     */
    static Map<String, String> settings(String prefix, Path dataDir, String secret, String policyName) throws Exception {
        Path policy = dataDir.resolve("policy.yaml");
        Files.writeString(policy, """
                name: %s
                grace: 2s
                environments:
                  production: { protected: true, action: alert }
                """.formatted(policyName));
        return Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers()),
                Map.entry("OVERSIGHT_TOPIC_PREFIX", prefix),
                Map.entry("OVERSIGHT_DATA_DIR", dataDir.toString()),
                Map.entry("OVERSIGHT_HTTP_HOST", "127.0.0.1"),
                Map.entry("OVERSIGHT_HTTP_PORT", "0"),
                Map.entry("OVERSIGHT_GITHUB_WEBHOOK_SECRET", secret),
                Map.entry("OVERSIGHT_INGEST_INSTANCE_ID", prefix),
                Map.entry("OVERSIGHT_POLICY_FILE", policy.toString()),
                Map.entry("OVERSIGHT_POLICY_APPLICATION_ID", prefix + "policy"),
                Map.entry("OVERSIGHT_WORKER_GROUP_ID", prefix + "worker"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static void send(GitHubPayloads.Delivery delivery) throws Exception {
        HttpRequest request = delivery.request(URI.create("http://127.0.0.1:" + platform.httpPort()
                + "/webhooks/github"), SECRET);
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(delivery.description() + ": " + response.body()).isEqualTo(202);
    }

    private static String sha(String seed) {
        return String.format("%040x", new java.math.BigInteger(1, seed.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 40);
    }

    private static List<Verdict> finalVerdicts(String... deployIds) {
        List<String> ids = List.of(deployIds);
        try (TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            return verdicts.await(list -> ids.stream().allMatch(id -> list.stream()
                            .anyMatch(v -> v.deployId().equals(id) && v.status().isFinal())), Duration.ofSeconds(60))
                    .stream().filter(v -> ids.contains(v.deployId()) && v.status().isFinal()).toList();
        }
    }

    @Test
    void reviewedDeployIsCompliantAndSelfApprovedOneAlerts() throws Exception {
        String head1 = sha("e2e-head-1");
        String merge1 = sha("e2e-merge-1");
        send(GITHUB.pullRequest("opened", 501, "Ledger export", "alice", head1, null, null, NOW.minusSeconds(600)));
        send(GITHUB.review(501, "alice", "bob", "approved", head1, NOW.minusSeconds(500)));
        send(GITHUB.pullRequest("closed", 501, "Ledger export", "alice", head1, merge1, "bob", NOW.minusSeconds(400)));
        send(GITHUB.checkRun("build", merge1, "success", NOW.minusSeconds(300)));
        send(GITHUB.deploymentStatus(9001, merge1, "production", "deployer", "success", NOW.minusSeconds(10)));

        String head2 = sha("e2e-head-2");
        String merge2 = sha("e2e-merge-2");
        send(GITHUB.pullRequest("opened", 502, "Skip the audit log", "mallory", head2, null, null, NOW.minusSeconds(600)));
        send(GITHUB.review(502, "mallory", "mallory", "APPROVED", head2, NOW.minusSeconds(500)));
        send(GITHUB.pullRequest("closed", 502, "Skip the audit log", "mallory", head2, merge2, "mallory",
                NOW.minusSeconds(400)));
        send(GITHUB.checkRun("build", merge2, "success", NOW.minusSeconds(300)));
        send(GITHUB.deploymentStatus(9002, merge2, "production", "mallory", "success", NOW.minusSeconds(5)));

        String compliant = "github:acme/ledger/deployments/9001";
        String violating = "github:acme/ledger/deployments/9002";
        List<Verdict> verdicts = finalVerdicts(compliant, violating);
        assertThat(verdicts).filteredOn(v -> v.deployId().equals(compliant)).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT);
            assertThat(v.changes()).singleElement().satisfies(c -> assertThat(c.approvers()).containsExactly("bob"));
            assertThat(v.policy().name()).isEqualTo("e2e");
        });
        Verdict violation = verdicts.stream().filter(v -> v.deployId().equals(violating)).findFirst().orElseThrow();
        assertThat(violation.status()).isEqualTo(VerdictStatus.VIOLATION);
        assertThat(violation.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.SELF_APPROVAL);
        assertThat(violation.evidence()).hasSize(5);

        List<RecordingHttpServer.Received> alerts = receiver.await(list -> list.stream()
                .anyMatch(r -> violation.verdictId().equals(r.header("X-Oversight-Delivery"))), Duration.ofSeconds(30));
        RecordingHttpServer.Received alert = alerts.stream()
                .filter(r -> violation.verdictId().equals(r.header("X-Oversight-Delivery"))).findFirst().orElseThrow();
        assertThat(alert.method()).isEqualTo("POST");
        assertThat(alert.path()).isEqualTo("/hooks/oversight");
        assertThat(alert.header(WebhookSink.SIGNATURE_HEADER))
                .isEqualTo(WebhookSink.sign(ALERT_SECRET, alert.body().getBytes(StandardCharsets.UTF_8)));
        JsonNode body = Json.mapper().readTree(alert.body());
        assertThat(body.get("type").asText()).isEqualTo("alert");
        assertThat(body.get("alertname").asText()).isEqualTo("UnreviewedDeploy");
        assertThat(body.at("/verdict/deployId").asText()).isEqualTo(violating);
        assertThat(body.at("/verdict/reasons/0/code").asText()).isEqualTo("SELF_APPROVAL");
        assertThat(alerts).as("no alert for the compliant deploy")
                .noneMatch(r -> r.body().contains("\"deployId\":\"" + compliant + "\""));

        try (TopicProbe<Action> actions = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "actions",
                Topics.ACTIONS.valueSerde().deserializer())) {
            assertThat(actions.await(list -> list.stream().anyMatch(a -> a.verdictId().equals(violation.verdictId())),
                    Duration.ofSeconds(30))).filteredOn(a -> a.verdictId().equals(violation.verdictId()))
                    .singleElement().satisfies(a -> {
                        assertThat(a.type()).isEqualTo(Action.ActionType.ALERT);
                        assertThat(a.target()).isEqualTo("webhook");
                        assertThat(a.phase()).isEqualTo(Action.ActionPhase.SUCCEEDED);
                    });
        }
    }

    /**
     * A deploy that carries several pull requests, walked through the pushes to main: the one nobody reviewed is
     * flagged, the others are listed as reviewed.
     */
    @Test
    void batchedDeployFlagsTheOneUnreviewedChange() throws Exception {
        GitHubPayloads batch = new GitHubPayloads("acme/batch");
        String root = sha("batch-root");
        String previous = root;
        String[] merges = new String[4];
        for (int i = 1; i <= 3; i++) {
            int number = 700 + i;
            String head = sha("batch-head-" + i);
            merges[i] = sha("batch-squash-" + i);
            Instant at = NOW.minusSeconds(900 - i * 100L);
            send(batch.pullRequest("opened", number, "Batch change " + i, "dev" + i, head, null, null, at));
            if (i != 2) {
                send(batch.review(number, "dev" + i, "reviewer", "approved", head, at.plusSeconds(10)));
            }
            send(batch.pullRequest("closed", number, "Batch change " + i, "dev" + i, head, merges[i], "dev" + i,
                    at.plusSeconds(20)));
            send(batch.push("main", previous, merges[i], "dev" + i, List.of(merges[i]), List.of("src/Part" + i + ".java"),
                    at.plusSeconds(20)));
            previous = merges[i];
            send(batch.checkRun("build", merges[i], "success", at.plusSeconds(30)));
            if (i == 1) {
                send(batch.deploymentStatus(9101, merges[1], "production", "deployer", "success", at.plusSeconds(40)));
            }
        }
        send(batch.deploymentStatus(9102, merges[3], "production", "deployer", "success", NOW.minusSeconds(5)));

        List<Verdict> verdicts = finalVerdicts("github:acme/batch/deployments/9101", "github:acme/batch/deployments/9102");
        assertThat(verdicts).filteredOn(v -> v.deployId().endsWith("/9101")).singleElement()
                .satisfies(v -> assertThat(v.status()).isEqualTo(VerdictStatus.COMPLIANT));
        assertThat(verdicts).filteredOn(v -> v.deployId().endsWith("/9102")).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.previousSha()).isEqualTo(merges[1]);
            assertThat(v.changes()).extracting(Verdict.ChangeSummary::id)
                    .containsExactlyInAnyOrder("github:acme/batch#702", "github:acme/batch#703");
            assertThat(v.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(ReasonCode.NO_APPROVAL);
                assertThat(r.detail()).startsWith("change #702 ");
            });
        });
    }

    @Test
    void deployOfACommitNoPullRequestContainsIsAnUnknownChange() throws Exception {
        // The ledger's first deploy Oversight sees, long before the others here: the baseline it starts from.
        send(GITHUB.deploymentStatus(9000, sha("e2e-base"), "production", "dave", "success", NOW.minusSeconds(600)));
        assertThat(finalVerdicts("github:acme/ledger/deployments/9000")).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.BASELINE);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.BASELINE);
        });
        String stray = sha("e2e-stray");
        send(GITHUB.checkRun("build", stray, "success", NOW.minusSeconds(60)));
        send(GITHUB.deploymentStatus(9003, stray, "production", "dave", "success", NOW.minusSeconds(3)));
        assertThat(finalVerdicts("github:acme/ledger/deployments/9003")).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VerdictStatus.VIOLATION);
            assertThat(v.reasons()).extracting(Verdict.Reason::code).containsExactly(ReasonCode.UNKNOWN_CHANGE);
        });
    }

    @Test
    void healthAndMetricsAreServedOnTheSamePort() throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + platform.httpPort() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = Json.mapper().readTree(ready.body()).get("checks");
        assertThat(checks.fieldNames()).toIterable().containsExactlyInAnyOrder("ingest", "policy-stream", "rollback-worker",
                "report");
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + platform.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("kafka_stream")
                .contains("oversight_report_projection_lag_records");
    }
}
