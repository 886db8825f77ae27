package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Action;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.Settings;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.TopicProbe;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code oversight up} promises on restart, on its own embedded broker: stop, start again on the same data,
 * and nothing is lost or acted on twice.
 */
class EmbeddedPlatformRestartIT {

    private static final String SECRET = "restart-secret";
    private final HttpClient http = HttpClient.newHttpClient();
    private final GitHubPayloads github = new GitHubPayloads("acme/restart");

    private Settings settings(Path dataDir, RecordingHttpServer receiver) throws Exception {
        Path policy = dataDir.resolve("policy.yaml");
        Files.writeString(policy, "name: restart\ngrace: 1s\nenvironments:\n  production: { protected: true, action: alert }\n");
        return Settings.of(Map.of(
                "OVERSIGHT_DATA_DIR", dataDir.toString(),
                "OVERSIGHT_KAFKA_PORT", "0",
                "OVERSIGHT_HTTP_HOST", "127.0.0.1",
                "OVERSIGHT_HTTP_PORT", "0",
                "OVERSIGHT_GITHUB_WEBHOOK_SECRET", SECRET,
                "OVERSIGHT_POLICY_FILE", policy.toString(),
                "OVERSIGHT_ALERT_WEBHOOK_URL", receiver.url("/alerts").toString()));
    }

    private void deployUnknownCommit(Platform platform, long id, String sha) throws Exception {
        GitHubPayloads.Delivery delivery = github.deploymentStatus(id, sha, "production", "dave", "success",
                Instant.now());
        HttpRequest request = delivery.request(URI.create("http://127.0.0.1:" + platform.httpPort()
                + "/webhooks/github"), SECRET);
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
    }

    private static List<Verdict> awaitFinal(Platform platform, int deploys) {
        try (TopicProbe<Verdict> probe = new TopicProbe<>(platform.bootstrapServers(), "oversight.verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            return probe.await(list -> list.stream().filter(v -> v.status() == VerdictStatus.VIOLATION).count() >= deploys,
                    Duration.ofSeconds(60));
        }
    }

    @Test
    void restartOnTheSameDataLosesNothingAndActsOnNothingTwice(@TempDir Path dataDir) throws Exception {
        try (RecordingHttpServer receiver = RecordingHttpServer.start()) {
            try (Platform first = Platform.start(settings(dataDir, receiver))) {
                assertThat(first.embedded()).isTrue();
                assertThat(first.awaitReady(Duration.ofSeconds(60))).isTrue();
                // The service's first deploy is the baseline; the unknown commits after it are violations.
                deployUnknownCommit(first, 0, "0000000000000000000000000000000000000abc");
                try (TopicProbe<Verdict> probe = new TopicProbe<>(first.bootstrapServers(), "oversight.verdicts",
                        Topics.VERDICTS.valueSerde().deserializer())) {
                    probe.await(list -> list.stream().anyMatch(v -> v.status() == VerdictStatus.BASELINE),
                            Duration.ofSeconds(60));
                }
                deployUnknownCommit(first, 1, "1111111111111111111111111111111111111111");
                awaitFinal(first, 1);
                receiver.await(list -> list.size() >= 1, Duration.ofSeconds(30));
            }
            assertThat(Files.exists(dataDir.resolve("kafka").resolve("meta.properties"))).isTrue();

            try (Platform second = Platform.start(settings(dataDir, receiver))) {
                assertThat(second.awaitReady(Duration.ofSeconds(90))).isTrue();
                deployUnknownCommit(second, 2, "2222222222222222222222222222222222222222");
                List<Verdict> verdicts = awaitFinal(second, 2);
                assertThat(verdicts).filteredOn(v -> v.status() == VerdictStatus.VIOLATION)
                        .extracting(Verdict::deployId)
                        .containsExactly("github:acme/restart/deployments/1", "github:acme/restart/deployments/2");
                // The first deploy's alert went out before the restart; the second run must not send it again.
                // Both verdicts share a partition (same repository), so a replay of the first would reach the
                // worker, and the receiver, before the second: once the second alert is in, the count is final.
                List<RecordingHttpServer.Received> alerts = receiver.await(list -> list.stream().anyMatch(r ->
                        r.header("X-Oversight-Delivery").startsWith("github:acme/restart/deployments/2@")),
                        Duration.ofSeconds(30));
                assertThat(alerts).extracting(r -> r.header("X-Oversight-Delivery"))
                        .containsExactly("github:acme/restart/deployments/1@2", "github:acme/restart/deployments/2@2");
                try (TopicProbe<Action> actions = new TopicProbe<>(second.bootstrapServers(), "oversight.actions",
                        Topics.ACTIONS.valueSerde().deserializer())) {
                    actions.await(list -> list.stream().anyMatch(a -> a.deployId().endsWith("/2")), Duration.ofSeconds(30));
                    // Any action recorded before the second one is on the topic by now: read all of it.
                    assertThat(actions.readToEnd(Duration.ofSeconds(10))).extracting(r -> r.value().deployId())
                            .containsExactlyInAnyOrder("github:acme/restart/deployments/1",
                                    "github:acme/restart/deployments/2");
                }
            }
        }
    }
}
