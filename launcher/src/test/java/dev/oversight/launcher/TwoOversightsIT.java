package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topics;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.TopicProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Oversights in one checkout, as a newcomer runs them: {@code oversight up} in a JVM of its own, on {@code ./data}
 * of its working directory; then, in the same directory, a second {@code up} (refused at once: the data directory
 * is locked) and {@code oversight demo} (runs on a platform of its own and leaves the first's data and topics
 * alone). The first keeps working throughout and stops cleanly on SIGTERM; started again, its data is intact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoOversightsIT {

    private static final String SECRET = "two-oversights-secret";
    private static final Duration START = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path checkout;
    private static int httpPort;
    private static int kafkaPort;
    private static Map<String, String> env;
    private static OversightProcess first;

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    @BeforeAll
    static void startTheFirst() throws Exception {
        httpPort = freePort();
        kafkaPort = freePort();
        Path policy = Files.writeString(checkout.resolve("policy.yaml"), """
                name: two-oversights
                grace: 1s
                environments:
                  production: { protected: true, action: alert }
                """);
        env = Map.of("OVERSIGHT_HTTP_HOST", "127.0.0.1", "OVERSIGHT_KAFKA_PORT", Integer.toString(kafkaPort),
                "OVERSIGHT_GITHUB_WEBHOOK_SECRET", SECRET, "OVERSIGHT_POLICY_FILE", policy.toString());
        first = OversightProcess.start(checkout, env, "up", "--port", Integer.toString(httpPort));
        first.await(line -> line.startsWith("Press Ctrl-C to stop."), START);
        // The service's first deploy is the baseline Oversight starts from; the unknown commits after it are violations.
        deploy(1000);
        first.await(line -> line.contains("BASELINE") && line.contains("github:acme/two/deployments/1000"),
                Duration.ofSeconds(90));
    }

    private static void deploy(long deployment) throws Exception {
        String sha = String.format("%040d", deployment);
        GitHubPayloads.Delivery delivery = new GitHubPayloads("acme/two").deploymentStatus(deployment, sha,
                "production", "dave", "success", Instant.now());
        HttpRequest request = delivery.request(URI.create("http://127.0.0.1:" + httpPort + "/webhooks/github"),
                SECRET);
        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
    }

    @AfterAll
    static void stopTheFirst() {
        if (first != null) {
            first.close();
        }
    }

    @Test
    @Order(1)
    void aSecondUpOnTheSameDataIsRefusedAtOnceNamingTheFirst() throws Exception {
        Map<String, String> second = new java.util.HashMap<>(env);
        second.put("OVERSIGHT_KAFKA_PORT", Integer.toString(freePort()));
        try (OversightProcess refused = OversightProcess.start(checkout, second, "up", "--port",
                Integer.toString(freePort()))) {
            assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(refused.lines()).filteredOn(OversightProcess.Line::stderr)
                    .extracting(OversightProcess.Line::text)
                    .as("one clear line, nothing started, no stack trace")
                    .containsExactly("oversight: the data directory ./data is in use by another Oversight (pid "
                            + first.pid() + ", started " + startedOf(first) + " as 'oversight up --port " + httpPort
                            + "'); stop it, or use --data-dir DIR");
        }
        assertTheFirstStillWorks(1001);
    }

    @Test
    @Order(2)
    void theDemoBesideItRunsOnAPlatformOfItsOwnAndLeavesNothingBehind() throws Exception {
        Path tmp = Files.createDirectories(checkout.resolve("tmp"));
        try (OversightProcess demo = OversightProcess.start(checkout, env,
                List.of("-Djava.io.tmpdir=" + tmp), "demo")) {
            assertThat(demo.awaitExit(START)).as(demo.output()).isZero();
            assertThat(demo.output()).contains("Demo complete: every deploy got the verdict it should")
                    .contains("topics oversight-demo.*").doesNotContain("127.0.0.1:" + kafkaPort)
                    .containsPattern("The report of these deploys, as a manager reads it: http://127\\.0\\.0\\.1:\\d+/overview");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the demo's data directory is removed").isEmpty();
        }
        assertThat(checkout.resolve("data").resolve("demo-policy.yaml")).doesNotExist();
        try (TopicProbe<Verdict> verdicts = new TopicProbe<>("127.0.0.1:" + kafkaPort, "oversight.verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            assertThat(verdicts.readToEnd(Duration.ofSeconds(30))).extracting(r -> r.value().repository())
                    .doesNotContain("github:acme/payments");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort))) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).contains("oversight.verdicts").noneMatch(t -> t.startsWith("oversight-demo."));
        }
        assertTheFirstStillWorks(1002);
    }

    @Test
    @Order(3)
    void itStopsCleanlyOnSigtermAndStartsAgainOnIntactData() throws Exception {
        int before = first.lines().size();
        first.terminate();
        assertThat(first.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM").isEqualTo(143);
        List<String> stopping = first.lines().subList(before, first.lines().size()).stream()
                .map(OversightProcess.Line::text).toList();
        assertThat(stopping).as("no warnings while stopping; the output was:\n%s", first.output())
                .containsExactly("Stopping Oversight ...", "Oversight stopped.");

        try (OversightProcess again = OversightProcess.start(checkout, env, "up", "--port",
                Integer.toString(httpPort))) {
            first = again;
            again.await(line -> line.startsWith("Press Ctrl-C to stop."), START);
            assertThat(again.output()).doesNotContainIgnoringCase("corrupt").doesNotContainIgnoringCase("truncat");
            assertTheFirstStillWorks(1003);
        }
    }

    /** Webhooks are accepted, it is ready, and a violation is printed on its console. */
    private static void assertTheFirstStillWorks(long deployment) throws Exception {
        String sha = String.format("%040d", deployment);
        deploy(deployment);
        // Webhooks are accepted from the banner on; every service is ready once policy-stream has its partitions.
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .build();
        HttpResponse<String> ready = Await.until("/health/ready", () -> {
            try {
                return HTTP.send(readiness, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> r.statusCode() == 200, Duration.ofSeconds(90));
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        OversightProcess.Line printed = first.await(line -> line.contains("VIOLATION") && line.contains(
                "github:acme/two/deployments/" + deployment), Duration.ofSeconds(90));
        assertThat(printed.stderr()).isFalse();
        assertThat(printed.text()).matches("\\d\\d:\\d\\d:\\d\\d  VIOLATION   two/production  UNKNOWN_CHANGE: commit "
                + sha.substring(0, 7) + " .*  \\(deploy github:acme/two/deployments/" + deployment + ", commit "
                + sha.substring(0, 7) + "\\)");
    }

    /** When the first started, as the lock file it wrote says and the refusal shows it. */
    private static String startedOf(OversightProcess process) throws IOException {
        java.util.Properties lock = new java.util.Properties();
        try (var in = Files.newBufferedReader(checkout.resolve("data").resolve(".lock"))) {
            lock.load(in);
        }
        assertThat(lock.getProperty("pid")).isEqualTo(Long.toString(process.pid()));
        String described = DataDirectoryLock.describe(lock);
        return described.substring(described.indexOf(", started ") + ", started ".length(), described.indexOf(" as '"));
    }
}
