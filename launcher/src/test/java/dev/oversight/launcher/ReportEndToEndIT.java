package dev.oversight.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.Verdict;
import dev.oversight.events.kafka.Topics;
import dev.oversight.runtime.config.Settings;
import dev.oversight.testing.Await;
import dev.oversight.testing.kafka.RealKafka;
import dev.oversight.testing.kafka.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report inside the whole platform: signed GitHub webhooks go in, and the report's pages and exports, on the
 * platform's one port, show the verdicts that policy-stream wrote, as they are on the verdicts topic.
 */
@ExtendWith(RealKafka.class)
class ReportEndToEndIT {

    private static final String SECRET = "report-e2e-secret";
    private static final String PREFIX = "it-report-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final GitHubPayloads GITHUB = new GitHubPayloads("acme/treasury");
    private static final Instant NOW = Instant.now();
    private static final String COMPLIANT = "github:acme/treasury/deployments/9301";
    private static final String SELF_DEPLOYED = "github:acme/treasury/deployments/9302";

    @TempDir
    static Path dataDir;
    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Settings.of(EndToEndIT.settings(PREFIX, dataDir, SECRET, "report-e2e")));
        assertThat(platform.awaitReady(Duration.ofSeconds(60))).as("platform ready").isTrue();

        deployOneChange(801, "Treasury limits", "alice", "bob", 9301, "deployer");
        deployOneChange(802, "Raise my own limit", "mallory", "mallory", 9302, "mallory");
    }

    /** A pull request by {@code author}, approved by {@code reviewer}, merged, built, and deployed by {@code deployer}. */
    private static void deployOneChange(int number, String title, String author, String reviewer, long deployment,
                                        String deployer) throws Exception {
        String head = sha("report-head-" + number);
        String merge = sha("report-merge-" + number);
        send(GITHUB.pullRequest("opened", number, title, author, head, null, null, NOW.minusSeconds(600)));
        send(GITHUB.review(number, author, reviewer, "approved", head, NOW.minusSeconds(500)));
        send(GITHUB.pullRequest("closed", number, title, author, head, merge, reviewer, NOW.minusSeconds(400)));
        send(GITHUB.checkRun("build", merge, "success", NOW.minusSeconds(300)));
        send(GITHUB.deploymentStatus(deployment, merge, "production", deployer, "success", NOW.minusSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static void send(GitHubPayloads.Delivery delivery) throws Exception {
        HttpResponse<String> response = HTTP.send(delivery.request(URI.create(base() + "/webhooks/github"), SECRET),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(delivery.description() + ": " + response.body()).isEqualTo(202);
    }

    private static String base() {
        return "http://127.0.0.1:" + platform.httpPort();
    }

    private static String sha(String seed) {
        return String.format("%040x", new java.math.BigInteger(1, seed.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 40);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of each deploy's latest verdict on the topic, once both deploys have a final one. */
    private static Map<String, String> finalStatusesOnTheTopic() {
        try (TopicProbe<Verdict> probe = new TopicProbe<>(RealKafka.bootstrapServers(), PREFIX + "verdicts",
                Topics.VERDICTS.valueSerde().deserializer())) {
            List<ConsumerRecord<String, Verdict>> records = probe.awaitRecords(list -> List.of(COMPLIANT, SELF_DEPLOYED)
                    .stream().allMatch(id -> list.stream().anyMatch(r -> r.value().deployId().equals(id)
                            && r.value().status().isFinal())), Duration.ofSeconds(60));
            Map<String, Verdict> latest = new HashMap<>();
            records.forEach(r -> latest.merge(r.value().deployId(), r.value(),
                    (a, b) -> b.revision() >= a.revision() ? b : a));
            Map<String, String> statuses = new HashMap<>();
            latest.forEach((id, v) -> statuses.put(id, v.status().name()));
            return statuses;
        }
    }

    @Test
    void theCsvOfTheDeploysIsWhatTheVerdictsTopicSays() throws Exception {
        Map<String, String> onTopic = finalStatusesOnTheTopic();
        Map<String, String> exported = Await.until("the report's CSV shows the final verdicts", () -> {
            try {
                return csvStatuses(get("/deploys?format=csv").body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, onTopic::equals, Duration.ofSeconds(30));
        assertThat(exported).containsEntry(COMPLIANT, "COMPLIANT").containsEntry(SELF_DEPLOYED, "VIOLATION");
    }

    @Test
    void theDeployPageShowsTheEvidenceAndTheSegregationOfDuties() throws Exception {
        finalStatusesOnTheTopic();
        String page = Await.until("the report shows the self-deployed change", () -> {
            try {
                return get("/deploys/" + SELF_DEPLOYED).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, body -> body.contains("VIOLATION"), Duration.ofSeconds(30));
        assertThat(page).contains("SELF_APPROVAL", "mallory", "Raise my own limit", "report-e2e",
                "segregation of duties: the deployer authored a change in this deploy");
        String overview = get("/overview").body();
        assertThat(overview).contains("Compliance rate by week", "treasury");
        String exceptions = get("/exceptions?format=csv").body();
        assertThat(exceptions).contains(SELF_DEPLOYED).doesNotContain(COMPLIANT);
    }

    private static Map<String, String> csvStatuses(String csv) {
        Map<String, String> statuses = new HashMap<>();
        List<String> lines = new ArrayList<>(List.of(csv.split("\r\n")));
        List<String> header = List.of(lines.remove(0).split(","));
        int id = header.indexOf("deploy_id");
        int status = header.indexOf("status");
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields[id].startsWith("github:acme/treasury/")) {
                statuses.put(fields[id], fields[status]);
            }
        }
        return statuses;
    }
}
