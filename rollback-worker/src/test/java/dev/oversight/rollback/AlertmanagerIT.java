package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static dev.oversight.rollback.WorkerHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager (the Debian binary) on loopback: the violation's alert is listed by its API with the labels,
 * notified as firing, kept active by re-sending (across a restart of the worker), and resolved on remediation.
 */
@ExtendWith(RealKafka.class)
class AlertmanagerIT {

    private static final String REPO = "github:acme/payments";

    @TempDir
    static Path dir;
    private static RecordingHttpServer receiver;
    private static RealAlertmanager alertmanager;
    private static WorkerHarness harness;
    private static Map<String, String> settings;

    @BeforeAll
    static void start() throws Exception {
        receiver = RecordingHttpServer.start();
        alertmanager = RealAlertmanager.start(dir, receiver.url("/alertmanager"));
        harness = new WorkerHarness("alertmanager", dir);
        settings = harness.settings("""
                name: alertmanager-it
                environments:
                  production: { protected: true, action: alert }
                """, Map.of("OVERSIGHT_ALERTMANAGER_URL", alertmanager.url().toString(),
                "OVERSIGHT_ALERTMANAGER_REFRESH", "1s",
                "OVERSIGHT_RUNBOOK_URL", "https://runbooks.example/oversight/{reason}?env={environment}",
                "OVERSIGHT_PUBLIC_URL", "https://oversight.example.com"));
        harness.start(settings);
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
        alertmanager.close();
        receiver.close();
    }

    /** Alertmanager's notifications to the receiver about one deploy, with the given status. */
    private static List<JsonNode> notified(String deployId, String status) throws Exception {
        List<RecordingHttpServer.Received> all = receiver.await(list -> list.stream()
                .anyMatch(r -> r.body().contains(deployId) && r.body().contains("\"status\":\"" + status + "\"")), WAIT);
        List<JsonNode> alerts = new java.util.ArrayList<>();
        for (RecordingHttpServer.Received r : all) {
            JsonNode body = Json.mapper().readTree(r.body());
            body.get("alerts").forEach(a -> {
                if (a.at("/labels/deploy").asText().equals(deployId) && a.get("status").asText().equals(status)) {
                    alerts.add(a);
                }
            });
        }
        return alerts;
    }

    @Test
    void theViolationIsListedWithItsLabelsAndResolvedAfterRemediation() throws Exception {
        Verdict v = violation(REPO, "payments", "production", 201, sha('3'),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        harness.verdict(v);

        JsonNode listed = alertmanager.awaitAlerts(v.deployId(), list -> list.size() == 1, WAIT).get(0);
        assertThat(Json.mapper().convertValue(listed.get("labels"), Map.class)).isEqualTo(Map.of(
                "alertname", "UnreviewedDeploy",
                "service", "payments",
                "environment", "production",
                "repository", REPO,
                "team", "payments-team",
                "severity", "critical",
                "reason", "self_approval",
                "deploy", v.deployId()));
        assertThat(listed.at("/status/state").asText()).isEqualTo("active");
        assertThat(listed.at("/annotations/summary").asText())
                .isEqualTo("Deploy of payments to production (3333333) skipped oversight: SELF_APPROVAL");
        assertThat(listed.at("/annotations/description").asText())
                .contains("- SELF_APPROVAL: change #42 was approved only by its author carol")
                .contains("by carol, no valid approval — https://github.com/acme/payments/pull/42")
                .contains("deployed by carol")
                .contains("What resolves it:\n- SELF_APPROVAL: an approval by someone other than the author (after "
                        + "the fact) remediates it.\nOnce every reason is made good");
        assertThat(listed.at("/annotations/resolution").asText()).isEqualTo("SELF_APPROVAL: an approval by someone "
                + "other than the author (after the fact) remediates it.\nOnce every reason is made good the deploy is "
                + "REMEDIATED and this alert resolves itself; a rollback to the last compliant version resolves it "
                + "(Oversight closes this alert when it made the rollback; after a rollback by hand, close it by hand).");
        assertThat(listed.at("/annotations/runbook_url").asText())
                .isEqualTo("https://runbooks.example/oversight/self_approval?env=production");
        assertThat(listed.at("/annotations/evidence_url").asText()).as("the deploy's evidence page")
                .isEqualTo("https://oversight.example.com/deploys/" + v.deployId());
        assertThat(listed.get("generatorURL").asText()).isEqualTo(v.url());
        assertThat(Instant.parse(listed.get("startsAt").asText())).isEqualTo(v.deployedAt());
        assertThat(notified(v.deployId(), "firing")).as("the receiver gets the runbook and what resolves it")
                .anySatisfy(a -> assertThat(a.get("annotations")).isEqualTo(listed.get("annotations")));

        harness.verdict(Fixtures.next(v, VerdictStatus.REMEDIATED, 3, v.reasons()));

        JsonNode resolved = notified(v.deployId(), "resolved").get(0);
        assertThat(resolved.get("labels")).isEqualTo(listed.get("labels"));
        assertThat(resolved.get("annotations")).isEqualTo(listed.get("annotations"));
        assertThat(Instant.parse(resolved.get("endsAt").asText())).isBefore(Instant.now());
        assertThat(alertmanager.awaitAlerts(v.deployId(), List::isEmpty, WAIT)).as("no longer active").isEmpty();
        harness.awaitActions(v.deployId(), list -> WorkerHarness.has(list, ActionType.RESOLVE, "alertmanager"));
    }

    @Test
    void anOpenAlertIsReSentSoItStaysActiveAcrossARestartOfTheWorker() throws Exception {
        Verdict v = violation(REPO, "ledger", "production", 202, sha('4'), Instant.now());
        harness.verdict(v);
        Instant firstEnd = endsAt(alertmanager.awaitAlerts(v.deployId(), list -> list.size() == 1, WAIT));
        alertmanager.awaitAlerts(v.deployId(), list -> list.size() == 1 && endsAt(list).isAfter(firstEnd), WAIT);

        harness.stop();
        Instant restarted = Instant.now();
        harness.start(settings);
        // Each re-send sets endsAt to now + 4 refresh intervals (4 s): an endsAt beyond restart + 4 s can only come
        // from the new worker, which knows the alert is open only from the action journal.
        List<JsonNode> alive = alertmanager.awaitAlerts(v.deployId(), list -> list.size() == 1
                && endsAt(list).isAfter(restarted.plusSeconds(4)), WAIT);
        assertThat(alive.get(0).at("/status/state").asText()).isEqualTo("active");
    }

    private static Instant endsAt(List<JsonNode> alerts) {
        return Instant.parse(alerts.get(0).get("endsAt").asText());
    }
}
