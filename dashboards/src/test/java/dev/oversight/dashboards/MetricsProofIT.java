package dev.oversight.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.events.kafka.Topics;
import dev.oversight.ingest.github.GitHubSignature;
import dev.oversight.launcher.GitHubPayloads;
import dev.oversight.launcher.Platform;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that the dashboards show data: the platform on a real broker, real-shaped GitHub webhooks through ingest
 * (compliant deploys, violations, a rollback that succeeds and one that fails, a break-glass deploy reviewed after
 * the fact, a remediation, a refused and a repeated webhook, a dead letter, a staging deploy), a real Prometheus
 * running the shipped scrape configuration and rules, and every query of every panel of every dashboard evaluated
 * through Prometheus's HTTP API.
 */
@ExtendWith(RealKafka.class)
class MetricsProofIT {

    private static final String SECRET = "proof-secret";
    private static final String PREFIX = "it-proof-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant NOW = Instant.now();

    @TempDir
    static Path dir;
    private static Platform platform;
    private static RecordingHttpServer alerts;
    private static RecordingHttpServer deployer;
    private static RecordingHttpServer brokenDeployer;
    private static Process prometheus;
    private static int prometheusPort;

    @BeforeAll
    static void start() throws Exception {
        alerts = RecordingHttpServer.start();
        deployer = RecordingHttpServer.start();
        brokenDeployer = RecordingHttpServer.start()
                .respond(r -> new RecordingHttpServer.Reply(500, "{\"error\":\"the deployer is down\"}"));
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                name: proof
                grace: 2s
                environments:
                  production: { protected: true, action: alert+rollback }
                  staging: { protected: false }
                rules:
                  - match: {}
                    approvals: { count: 1, onFinalHead: true }
                    checks: all-reported
                    breakGlass: { deployFlag: emergency, reviewWithin: 24h }
                services:
                  - { name: payments, repository: "github:acme/payments", team: payments,
                      rollback: { executor: webhook, url: "%s" } }
                  - { name: ledger, repository: "github:acme/ledger", team: finance,
                      rollback: { executor: webhook, url: "%s" } }
                """.formatted(deployer.url("/rollback"), brokenDeployer.url("/rollback")));
        Map<String, String> settings = new HashMap<>();
        settings.put("KAFKA_BOOTSTRAP_SERVERS", RealKafka.bootstrapServers());
        settings.put("OVERSIGHT_TOPIC_PREFIX", PREFIX);
        settings.put("OVERSIGHT_DATA_DIR", dir.resolve("data").toString());
        settings.put("OVERSIGHT_HTTP_HOST", "127.0.0.1");
        settings.put("OVERSIGHT_HTTP_PORT", "0");
        settings.put("OVERSIGHT_GITHUB_WEBHOOK_SECRET", SECRET);
        settings.put("OVERSIGHT_INGEST_INSTANCE_ID", PREFIX);
        settings.put("OVERSIGHT_POLICY_FILE", policy.toString());
        settings.put("OVERSIGHT_POLICY_APPLICATION_ID", PREFIX + "policy");
        settings.put("OVERSIGHT_WORKER_GROUP_ID", PREFIX + "worker");
        settings.put("OVERSIGHT_ALERT_WEBHOOK_URL", alerts.url("/alerts").toString());
        settings.put("OVERSIGHT_ROLLBACK_WEBHOOK_SECRET", "deployer-secret");
        settings.put("OVERSIGHT_WORKER_RETRIES", "1");
        settings.put("OVERSIGHT_WORKER_RETRY_BACKOFF", "100ms");
        settings.put("OVERSIGHT_WORKER_RETRY_MAX_BACKOFF", "200ms");
        platform = Platform.start(Settings.of(settings));
        assertThat(platform.awaitReady(Duration.ofSeconds(90))).as("platform ready").isTrue();
        // Prometheus scrapes from the start, as it would in production: counters rise while it watches, which is what
        // increase(), rate() and histogram_quantile() need. Its first scrape comes a few seconds after it is ready
        // (target discovery is applied every 5 s), so the events wait for that scrape.
        prometheus = startPrometheus();
        assertThat(hasNumbers(queryUntilData("up{job=\"oversight\"} == 1", Duration.ofSeconds(60))))
                .as(() -> "Prometheus scraped the platform: " + diagnosis()).isTrue();
        play();
        // The last event's effects, scraped: a rollback's outcome and the consumer lag.
        for (String sentinel : List.of("sum(increase(oversight_rollbacks_total{outcome=\"failed\"}[5m])) > 0",
                "max(kafka_consumer_fetch_manager_records_lag{client_id=\"oversight-rollback-worker\"})")) {
            assertThat(hasNumbers(queryUntilData(sentinel, Duration.ofSeconds(120))))
                    .as(() -> sentinel + "\n" + diagnosis()).isTrue();
        }
    }

    /** What Prometheus saw of the platform, for a failure message. */
    private static String diagnosis() {
        try {
            return "targets: " + api("/api/v1/targets").path("activeTargets") + "\nrollbacks scraped: "
                    + api("/api/v1/query?query=" + URLEncoder.encode("oversight_rollbacks_total[5m]",
                            StandardCharsets.UTF_8)).path("result");
        } catch (Exception e) {
            return "(no diagnosis: " + e + ")";
        }
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (platform != null) {
            platform.close();
        }
        Stream.of(alerts, deployer, brokenDeployer).filter(r -> r != null).forEach(RecordingHttpServer::close);
    }

    // ---- the events ---------------------------------------------------------------------------------------

    private static int send(GitHubPayloads.Delivery delivery, String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + platform.httpPort() + "/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", delivery.event())
                .header("X-GitHub-Delivery", delivery.deliveryId())
                .header(GitHubSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void send(GitHubPayloads.Delivery delivery) throws Exception {
        assertThat(send(delivery, GitHubSignature.sign(SECRET, delivery.body()))).as(delivery.description()).isEqualTo(202);
    }

    private static String sha(String seed) {
        return String.format("%040x", new java.math.BigInteger(1, seed.getBytes(StandardCharsets.UTF_8))).substring(0, 40);
    }

    /** A change opened by an author, reviewed by the reviewer (none: unreviewed), merged, CI green on its merge. */
    private static String change(GitHubPayloads github, long number, String author, String reviewer, Instant at)
            throws Exception {
        String head = sha("head-" + github.fullName() + number);
        String merge = sha("merge-" + github.fullName() + number);
        send(github.pullRequest("opened", number, "Change " + number, author, head, null, null, at));
        if (reviewer != null) {
            send(github.review(number, author, reviewer, "approved", head, at.plusSeconds(10)));
        }
        send(github.pullRequest("closed", number, "Change " + number, author, head, merge, author, at.plusSeconds(20)));
        send(github.checkRun("build", merge, "success", at.plusSeconds(30)));
        return merge;
    }

    private static void play() throws Exception {
        GitHubPayloads payments = new GitHubPayloads("acme/payments");
        GitHubPayloads ledger = new GitHubPayloads("acme/ledger");
        Instant t = NOW.minusSeconds(3600);

        // payments: a compliant deploy (the last good version), an emergency deploy (break-glass, reviewed after the
        // fact), then a self-approved one, which is rolled back to the compliant deploy.
        String good = change(payments, 1, "alice", "bob", t);
        send(payments.deploymentStatus(101, good, "production", "deployer", "success", t.plusSeconds(60)));
        send(payments.deploymentStatus(102, good, "staging", "deployer", "success", t.plusSeconds(61)));
        String emergency = change(payments, 3, "oncall", null, t.plusSeconds(200));
        send(payments.deploymentStatus(104, emergency, "production", "oncall", "success", NOW.minusSeconds(30),
                Map.of("emergency", true)));
        String selfApproved = change(payments, 2, "carol", "carol", t.plusSeconds(100));
        send(payments.deploymentStatus(103, selfApproved, "production", "carol", "success", NOW.minusSeconds(20)));

        // ledger: a compliant deploy, a deploy of a commit no change explains (superseded at once), then an unreviewed
        // change, remediated after the fact, whose rollback fails: the deployer answers 500.
        String ledgerGood = change(ledger, 4, "dan", "erin", t);
        send(ledger.deploymentStatus(201, ledgerGood, "production", "deployer", "success", t.plusSeconds(60)));
        String stray = sha("ledger-stray");
        send(ledger.checkRun("build", stray, "success", NOW.minusSeconds(40)));
        send(ledger.deploymentStatus(202, stray, "production", "mallory", "success", NOW.minusSeconds(10)));
        String late = change(ledger, 5, "frank", null, t.plusSeconds(300));
        send(ledger.deploymentStatus(203, late, "production", "frank", "success", NOW.minusSeconds(5)));

        // A refused webhook, a repeated one, and a record policy-stream cannot read.
        GitHubPayloads.Delivery check = payments.checkRun("lint", good, "success", NOW);
        assertThat(send(check, GitHubSignature.sign("not-the-secret", check.body()))).isEqualTo(401);
        send(check);
        assertThat(send(check, GitHubSignature.sign(SECRET, check.body()))).as("repeated delivery").isEqualTo(200);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", RealKafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(PREFIX + "deploys", "github:acme/payments", "{\"kind\":\"deploy\",")).get();
        }

        // Wait for the verdicts to be final, then review the emergency deploy and the late change after the fact.
        awaitVerdicts(Map.of(
                "github:acme/payments/deployments/103", VerdictStatus.VIOLATION,
                "github:acme/payments/deployments/104", VerdictStatus.EXCEPTION,
                "github:acme/ledger/deployments/202", VerdictStatus.VIOLATION,
                "github:acme/ledger/deployments/203", VerdictStatus.VIOLATION));
        send(payments.review(3, "oncall", "lead", "approved", sha("head-acme/payments3"), Instant.now()));
        send(ledger.review(5, "frank", "erin", "approved", sha("head-acme/ledger5"), Instant.now()));
        awaitVerdicts(Map.of(
                "github:acme/payments/deployments/104", VerdictStatus.REMEDIATED,
                "github:acme/ledger/deployments/203", VerdictStatus.REMEDIATED));

        try (TopicProbe<Action> actions = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "actions",
                Topics.ACTIONS.valueSerde().deserializer())) {
            actions.await(list -> outcome(list, "github:acme/payments/deployments/103", Action.ActionPhase.SUCCEEDED)
                    && outcome(list, "github:acme/ledger/deployments/203", Action.ActionPhase.FAILED), Duration.ofSeconds(60));
        }
    }

    private static boolean outcome(List<Action> actions, String deployId, Action.ActionPhase phase) {
        return actions.stream().anyMatch(a -> a.deployId().equals(deployId) && a.type() == Action.ActionType.ROLLBACK
                && a.phase() == phase);
    }

    private static void awaitVerdicts(Map<String, VerdictStatus> expected) {
        try (TopicProbe<Verdict> verdicts = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            verdicts.await(list -> expected.entrySet().stream().allMatch(e -> list.stream()
                    .anyMatch(v -> v.deployId().equals(e.getKey()) && v.status() == e.getValue())), Duration.ofSeconds(60));
        }
    }

    // ---- Prometheus ---------------------------------------------------------------------------------------

    /**
     * Runs Prometheus with the shipped configuration for {@code oversight up} and the shipped rules. Two things are
     * changed for the test: the target's port, written into the targets file as its comment says to (the platform
     * listens on a free port, as {@code oversight up --port N} would), and the intervals (1 s instead of 15 s).
     */
    private static Process startPrometheus() throws Exception {
        Path config = dir.resolve("prometheus");
        Files.createDirectories(config.resolve("rules"));
        Files.createDirectories(config.resolve("targets"));
        String shipped = Files.readString(Shipped.PROMETHEUS.resolve("prometheus-oversight-up.yml"));
        String adapted = shipped.replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s");
        assertThat(adapted).as("the shipped configuration has the expected shape").contains("scrape_interval: 1s")
                .contains("targets/oversight-up.yml");
        Files.writeString(config.resolve("prometheus.yml"), adapted);
        String targets = Files.readString(Shipped.PROMETHEUS.resolve("targets/oversight-up.yml"));
        String ours = targets.replaceAll("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:" + platform.httpPort());
        assertThat(ours).as("the targets file names the port").contains("\"127.0.0.1:" + platform.httpPort() + "\"");
        Files.writeString(config.resolve("targets/oversight-up.yml"), ours);
        Files.copy(Shipped.PROMETHEUS.resolve("rules/oversight.rules.yml"), config.resolve("rules/oversight.rules.yml"));
        prometheusPort = freePort();
        Process process = new ProcessBuilder("prometheus",
                "--config.file=" + config.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("Prometheus did not start: " + Files.readString(dir.resolve("prometheus.log")));
            }
            Thread.onSpinWait();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + prometheusPort;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.path("status").asText()).as(path + ": " + response.body()).isEqualTo("success");
        return body.path("data");
    }

    /** The query's result once it has at least one sample with a number, or the last (empty) one after the wait. */
    private static JsonNode queryUntilData(String expr, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        JsonNode data;
        do {
            data = api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
            if (hasNumbers(data)) {
                return data;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return data;
    }

    private static boolean hasNumbers(JsonNode data) {
        for (JsonNode sample : data.path("result")) {
            String value = sample.path("value").path(1).asText();
            if (!value.isEmpty() && !value.equals("NaN")) {
                return true;
            }
        }
        return false;
    }

    /** Grafana's variables, as "All" selects them. */
    static String resolve(String expr) {
        return expr.replace("$environment", ".*").replace("$service", ".*").replace("$team", ".*");
    }

    // ---- the proof ----------------------------------------------------------------------------------------

    @Test
    void everyPanelQueryOfEveryDashboardReturnsData() throws Exception {
        List<String> empty = new ArrayList<>();
        int queries = 0;
        for (Path file : Shipped.dashboards()) {
            for (JsonNode panel : Shipped.panels(Shipped.read(file))) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = resolve(target.path("expr").asText());
                    queries++;
                    if (!hasNumbers(queryUntilData(expr, Duration.ofSeconds(15)))) {
                        empty.add(file.getFileName() + " / " + panel.path("title").asText() + ": " + expr);
                    }
                }
            }
        }
        assertThat(queries).isGreaterThan(40);
        assertThat(empty).as("panel queries that returned no data").isEmpty();
    }

    @Test
    void everyTemplateVariableHasValues() throws Exception {
        for (Path file : Shipped.dashboards()) {
            for (JsonNode variable : Shipped.read(file).path("templating").path("list")) {
                if (!"query".equals(variable.path("type").asText())) {
                    continue;
                }
                String query = resolve(variable.path("query").path("query").asText());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("label_values\\((.+), (\\w+)\\)").matcher(query);
                assertThat(m.matches()).as(query).isTrue();
                JsonNode values = api("/api/v1/label/" + m.group(2) + "/values?match[]="
                        + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8));
                assertThat(values).as(file.getFileName() + " $" + variable.path("name").asText()).isNotEmpty();
            }
        }
        JsonNode teams = api("/api/v1/label/team/values?match[]=oversight_deploys_total");
        assertThat(teams.toString()).contains("payments").contains("finance");
    }

    @Test
    void theShippedRulesAreLoadedAndFireOnRealData() throws Exception {
        JsonNode groups = api("/api/v1/rules").path("groups");
        Set<String> rules = new java.util.HashSet<>();
        groups.forEach(g -> g.path("rules").forEach(r -> rules.add(r.path("name").asText())));
        assertThat(rules).containsExactlyInAnyOrder("UnreviewedProductionDeploy", "OversightRollbackFailed",
                "OversightIngestRejecting", "OversightConsumerLag", "OversightDeadLettersGrowing", "OversightDown");
        // Ledger's deploy 202 stays open (its rollback is superseded or fails); payments' violation was rolled back as
        // it was acted on, and its remediated or emergency deploys never were open violations.
        JsonNode unreviewed = queryUntilData("ALERTS{alertname=\"UnreviewedProductionDeploy\",alertstate=\"firing\"}",
                Duration.ofSeconds(60));
        assertThat(unreviewed.path("result").toString()).contains("\"service\":\"ledger\"")
                .doesNotContain("\"service\":\"payments\"");
        JsonNode failedRollback = queryUntilData("ALERTS{alertname=\"OversightRollbackFailed\",alertstate=\"firing\"}",
                Duration.ofSeconds(60));
        assertThat(failedRollback.path("result").toString()).contains("\"service\":\"ledger\"");
        JsonNode deadLetters = queryUntilData("ALERTS{alertname=\"OversightDeadLettersGrowing\"}", Duration.ofSeconds(60));
        assertThat(deadLetters.path("result")).isNotEmpty();
        assertThat(api("/api/v1/query?query=" + URLEncoder.encode("ALERTS{alertname=\"OversightDown\"}",
                StandardCharsets.UTF_8)).path("result")).as("the platform is up").isEmpty();
    }

    @Test
    void metricsPassPromtoolCheck() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + platform.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, metrics);
        ExternalTool.Result result = ExternalTool.run(dir, Duration.ofMinutes(1),
                List.of("bash", "-c", "promtool check metrics < " + file));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(metrics).contains("oversight_verdicts_total").contains("oversight_rollbacks_total")
                .contains("oversight_webhook_requests_seconds_count").contains("kafka_consumer_fetch_manager_records_lag_max");
    }
}
