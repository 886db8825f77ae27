package dev.oversight.rollback;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static dev.oversight.rollback.WorkerHarness.WAIT;
import static dev.oversight.rollback.WorkerHarness.has;
import static dev.oversight.rollback.WorkerHarness.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Action;
import dev.oversight.events.Action.ActionPhase;
import dev.oversight.events.Action.ActionType;
import dev.oversight.events.DeadLetter;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.alert.WebhookSink;
import dev.oversight.runtime.http.RecordingHttpServer;
import dev.oversight.testing.kafka.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PagerDuty, Slack and the signed webhook as their documented APIs take them, on stub servers on loopback: the exact
 * requests of a violation, of its resolution, of a throttled call, of a refused one, and of an emergency deploy.
 */
@ExtendWith(RealKafka.class)
class AlertSinksIT {

    private static final String REPO = "github:acme/payments";
    private static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
    private static final String SECRET = "webhook-signing-secret";
    private static final String SLACK_PATH = "/services/T0000/B0000/XXXXSECRETXXXX";
    private static final String PUBLIC_URL = "https://oversight.example.com/";
    private static final String RUNBOOK = "https://runbooks.example/oversight/{alertname}?reason={reason}&service={service}";
    private static final String SELF_APPROVAL_REMEDY =
            "SELF_APPROVAL: an approval by someone other than the author (after the fact) remediates it.";
    private static final String ROLLBACK_LINE = "Once every reason is made good the deploy is REMEDIATED and this "
            + "alert resolves itself; a rollback to the last compliant version resolves it (Oversight closes this "
            + "alert when it made the rollback; after a rollback by hand, close it by hand).";

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static RecordingHttpServer pagerDuty;
    private static RecordingHttpServer slack;
    private static RecordingHttpServer hook;
    private static final AtomicBoolean throttleOnce = new AtomicBoolean(true);

    @BeforeAll
    static void start() throws Exception {
        pagerDuty = RecordingHttpServer.start().respond(r -> {
            if (r.body().contains("deployments/103") && throttleOnce.getAndSet(false)) {
                return new RecordingHttpServer.Reply(429, "{\"status\":\"throttle event\"}");
            }
            return new RecordingHttpServer.Reply(202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
        });
        slack = RecordingHttpServer.start().respond(r -> r.body().contains("deployments/104")
                ? new RecordingHttpServer.Reply(404, "no_service") : new RecordingHttpServer.Reply(200, "ok"));
        hook = RecordingHttpServer.start();
        harness = new WorkerHarness("sinks", dir);
        harness.start(harness.settings("""
                name: sinks-it
                environments:
                  production: { protected: true, action: alert }
                services:
                  - { name: payments, repository: "github:acme/payments", team: payments-team }
                """, Map.of(
                "OVERSIGHT_PAGERDUTY_ROUTING_KEY", ROUTING_KEY,
                "OVERSIGHT_PAGERDUTY_URL", pagerDuty.url("").toString(),
                "OVERSIGHT_SLACK_WEBHOOK_URL", slack.url(SLACK_PATH).toString(),
                "OVERSIGHT_ALERT_WEBHOOK_URL", hook.url("/hooks/oversight").toString(),
                "OVERSIGHT_ALERT_WEBHOOK_SECRET", SECRET,
                "OVERSIGHT_RUNBOOK_URL", RUNBOOK,
                "OVERSIGHT_PUBLIC_URL", PUBLIC_URL)));
    }

    @AfterAll
    static void stop() {
        harness.close();
        pagerDuty.close();
        slack.close();
        hook.close();
    }

    private static Verdict deploy(long id) {
        return violation(REPO, "payments", "production", id, sha('1'), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    private static List<RecordingHttpServer.Received> about(RecordingHttpServer server, String deployId, int count)
            throws Exception {
        List<RecordingHttpServer.Received> all = server.await(list -> list.stream()
                .filter(r -> r.body().contains(deployId)).count() >= count, WAIT);
        return all.stream().filter(r -> r.body().contains(deployId)).toList();
    }

    private static JsonNode json(RecordingHttpServer.Received request) throws Exception {
        return Json.mapper().readTree(request.body());
    }

    /** Every text in Slack blocks, however deep. */
    private static List<String> texts(JsonNode node, List<String> found) {
        node.fields().forEachRemaining(f -> {
            if (f.getKey().equals("text") && f.getValue().isTextual()) {
                found.add(f.getValue().asText());
            }
        });
        node.elements().forEachRemaining(child -> texts(child, found));
        return found;
    }

    @Test
    void aViolationPagesOnCallPostsToSlackAndCallsTheSignedWebhook() throws Exception {
        Verdict v = deploy(101);
        harness.verdict(v);

        RecordingHttpServer.Received page = about(pagerDuty, v.deployId(), 1).get(0);
        assertThat(page.method()).isEqualTo("POST");
        assertThat(page.path()).isEqualTo("/v2/enqueue");
        assertThat(page.header("Content-Type")).isEqualTo("application/json");
        JsonNode event = json(page);
        assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.get("event_action").asText()).isEqualTo("trigger");
        assertThat(event.get("dedup_key").asText()).isEqualTo(v.deployId());
        JsonNode payload = event.get("payload");
        assertThat(payload.get("summary").asText())
                .isEqualTo("Deploy of payments to production (1111111) skipped oversight: SELF_APPROVAL");
        assertThat(payload.get("source").asText()).isEqualTo("payments/production");
        assertThat(payload.get("severity").asText()).isEqualTo("critical");
        assertThat(payload.get("timestamp").asText()).isEqualTo(v.deployedAt().toString());
        assertThat(payload.get("component").asText()).isEqualTo("payments");
        assertThat(payload.get("group").asText()).isEqualTo("production");
        assertThat(payload.get("class").asText()).isEqualTo("UnreviewedDeploy");
        assertThat(payload.at("/custom_details/reasons/0").asText())
                .isEqualTo("SELF_APPROVAL: change #42 was approved only by its author carol");
        assertThat(payload.at("/custom_details/deployer").asText()).isEqualTo("carol");
        assertThat(event.get("links").findValuesAsText("href")).contains("https://github.com/acme/payments/pull/42",
                v.url());
        String runbook = "https://runbooks.example/oversight/UnreviewedDeploy?reason=self_approval&service=payments";
        assertThat(event.at("/links/0")).as("the runbook first")
                .isEqualTo(Json.mapper().valueToTree(Map.of("href", runbook, "text", "Runbook")));
        assertThat(payload.at("/custom_details/resolution")).isEqualTo(Json.mapper().valueToTree(
                List.of(SELF_APPROVAL_REMEDY, ROLLBACK_LINE)));
        assertThat(payload.at("/custom_details/runbook").asText()).isEqualTo(runbook);
        String evidence = "https://oversight.example.com/deploys/" + v.deployId();
        assertThat(event.at("/links/1")).as("the evidence page next")
                .isEqualTo(Json.mapper().valueToTree(Map.of("href", evidence, "text", "Evidence in Oversight")));
        assertThat(payload.at("/custom_details/evidence").asText()).isEqualTo(evidence);
        assertThat(payload.at("/custom_details/description").asText())
                .contains("What resolves it:\n- " + SELF_APPROVAL_REMEDY + "\n" + ROLLBACK_LINE);

        RecordingHttpServer.Received post = about(slack, v.deployId(), 1).get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo(SLACK_PATH);
        JsonNode message = json(post);
        assertThat(message.get("text").asText())
                .startsWith("Deploy of payments to production (1111111) skipped oversight: SELF_APPROVAL");
        assertThat(message.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(texts(message.get("blocks"), new java.util.ArrayList<>())).anySatisfy(t -> assertThat(t)
                        .contains("*Reasons*\n• `SELF_APPROVAL` change #42 was approved only by its author carol"))
                .anySatisfy(t -> assertThat(t).contains("<https://github.com/acme/payments/pull/42|"
                        + "github:acme/payments#42 Skip the audit log> by carol, no valid approval"))
                .anySatisfy(t -> assertThat(t).isEqualTo("*Deployed by*\ncarol"))
                .anySatisfy(t -> assertThat(t).isEqualTo("*What resolves it*\n• `SELF_APPROVAL` an approval by someone "
                        + "other than the author (after the fact) remediates it.\n" + ROLLBACK_LINE + "\n:book: <"
                        + runbook + "|Runbook>"));
        JsonNode actionsBlock = message.get("blocks").get(message.get("blocks").size() - 2);
        assertThat(actionsBlock.get("type").asText()).as("a button to the evidence page").isEqualTo("actions");
        assertThat(actionsBlock.at("/elements/0/url").asText()).isEqualTo(evidence);
        assertThat(actionsBlock.at("/elements/0/text/text").asText()).isEqualTo("Open the evidence");

        RecordingHttpServer.Received call = about(hook, v.deployId(), 1).get(0);
        assertThat(call.header(WebhookSink.SIGNATURE_HEADER))
                .isEqualTo(WebhookSink.sign(SECRET, call.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(call.header("Idempotency-Key")).isEqualTo(v.verdictId() + ":alert:webhook");
        assertThat(call.header("X-Oversight-Delivery")).isEqualTo(v.verdictId());
        assertThat(call.header("X-Oversight-Event")).isEqualTo("alert");
        assertThat(json(call).at("/verdict/deployId").asText()).isEqualTo(v.deployId());
        assertThat(json(call).at("/action/actionId").asText()).isEqualTo(v.verdictId() + ":alert:webhook");
        assertThat(json(call).get("resolution")).isEqualTo(Json.mapper().valueToTree(
                List.of(SELF_APPROVAL_REMEDY, ROLLBACK_LINE)));
        assertThat(json(call).get("runbookUrl").asText()).isEqualTo(runbook);
        assertThat(json(call).get("evidenceUrl").asText()).isEqualTo(evidence);

        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "pagerduty")
                && has(list, ActionType.ALERT, "slack") && has(list, ActionType.ALERT, "webhook"));
        assertThat(actions).filteredOn(a -> a.phase() == ActionPhase.REQUESTED).as("intent only where repeats show")
                .extracting(Action::target).containsExactly("slack");
        assertThat(actions).filteredOn(Action::phase, ActionPhase.SUCCEEDED).extracting(Action::target)
                .containsExactlyInAnyOrder("pagerduty", "slack", "webhook");
        assertThat(outcome(actions, ActionType.ALERT, "pagerduty").request().body()).contains("\"routing_key\":\"…\"")
                .doesNotContain(ROUTING_KEY);
        assertThat(outcome(actions, ActionType.ALERT, "slack").request().url()).doesNotContain("SECRET").endsWith("/…");
        assertThat(harness.registry().get(WorkerMeters.ALERTS).tags("sink", "pagerduty", "outcome", "succeeded")
                .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void remediationResolvesTheIncidentAndFollowsUpInSlackWithTheSameIdentity() throws Exception {
        Verdict v = violation(REPO, "ledger", "production", 102, sha('2'), Instant.now());
        harness.verdict(v);
        harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "pagerduty")
                && has(list, ActionType.ALERT, "slack") && has(list, ActionType.ALERT, "webhook"));
        harness.verdict(Fixtures.next(v, VerdictStatus.REMEDIATED, 3, v.reasons()));

        List<RecordingHttpServer.Received> pages = about(pagerDuty, v.deployId(), 2);
        assertThat(json(pages.get(1))).isEqualTo(Json.mapper().readTree("{\"routing_key\":\"" + ROUTING_KEY
                + "\",\"event_action\":\"resolve\",\"dedup_key\":\"" + v.deployId() + "\"}"));
        List<RecordingHttpServer.Received> posts = about(slack, v.deployId(), 2);
        assertThat(json(posts.get(1)).get("text").asText()).isEqualTo("Resolved: deploy of ledger to production "
                + "(2222222) — remediated: the review after the fact arrived");
        List<RecordingHttpServer.Received> calls = about(hook, v.deployId(), 2);
        assertThat(json(calls.get(1)).get("type").asText()).isEqualTo("resolve");
        assertThat(json(calls.get(1)).has("resolution")).as("a resolution says how it was resolved instead").isFalse();
        assertThat(calls.get(1).header("Idempotency-Key")).isEqualTo(v.deployId() + "@3:resolve:webhook");

        harness.awaitActions(v.deployId(), list -> has(list, ActionType.RESOLVE, "pagerduty")
                && has(list, ActionType.RESOLVE, "slack") && has(list, ActionType.RESOLVE, "webhook"));
    }

    @Test
    void aThrottledPagerDutyCallIsRetriedAfterABackoff() throws Exception {
        Verdict v = deploy(103);
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "pagerduty"));
        Action page = outcome(actions, ActionType.ALERT, "pagerduty");
        assertThat(page.phase()).isEqualTo(ActionPhase.SUCCEEDED);
        assertThat(page.attempt()).isEqualTo(2);
        List<RecordingHttpServer.Received> pages = about(pagerDuty, v.deployId(), 2);
        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).body()).isEqualTo(pages.get(0).body());
    }

    @Test
    void anAlertSlackRefusesGoesToTheDeadLetterTopicAndTheOtherSinksSaySo() throws Exception {
        Verdict v = deploy(104);
        harness.verdict(v);
        List<Action> actions = harness.awaitActions(v.deployId(), list -> has(list, ActionType.ALERT, "slack")
                && has(list, ActionType.NOTICE, "pagerduty/slack") && has(list, ActionType.NOTICE, "webhook/slack"));
        Action refused = outcome(actions, ActionType.ALERT, "slack");
        assertThat(refused.phase()).isEqualTo(ActionPhase.FAILED);
        assertThat(refused.reason()).isEqualTo("DELIVERY_FAILED");
        assertThat(refused.detail()).isEqualTo("HTTP 404: no_service");
        assertThat(refused.attempt()).as("a 404 is not retried").isEqualTo(1);
        assertThat(about(slack, v.deployId(), 1)).hasSize(1);

        List<DeadLetter> letters = harness.awaitDeadLetters(list -> list.stream()
                .anyMatch(d -> d.value().contains(refused.actionId())));
        assertThat(letters).filteredOn(d -> d.value().contains(refused.actionId())).singleElement().satisfies(d -> {
            assertThat(d.stage()).isEqualTo("rollback-worker");
            assertThat(d.key()).isEqualTo(REPO);
            assertThat(d.topic()).isEqualTo(harness.prefix() + "verdicts");
            assertThat(d.error()).isEqualTo("HTTP 404: no_service");
        });

        JsonNode notice = json(about(pagerDuty, v.deployId(), 2).get(1));
        assertThat(notice.get("dedup_key").asText()).isEqualTo(v.deployId() + "/slack");
        assertThat(notice.at("/payload/summary").asText()).isEqualTo("Alert about the deploy of payments to "
                + "production (1111111) not delivered to slack");
        assertThat(notice.at("/payload/custom_details/resolution/0").asText()).isEqualTo(SELF_APPROVAL_REMEDY);
        assertThat(notice.at("/links/0/href").asText()).isEqualTo("https://runbooks.example/oversight/"
                + "AlertNotDelivered?reason=delivery_failed&service=payments");
    }

    @Test
    void anEmergencyDeployIsAWarningToSlackAndTheWebhookButDoesNotPage() throws Exception {
        Verdict bad = deploy(105);
        Verdict exception = Fixtures.next(bad, VerdictStatus.EXCEPTION, 2,
                List.of(new Verdict.Reason(ReasonCode.BREAK_GLASS, "declared with the label break-glass")));
        harness.verdict(exception);
        List<Action> actions = harness.awaitActions(bad.deployId(), list -> has(list, ActionType.ALERT, "pagerduty")
                && has(list, ActionType.ALERT, "slack") && has(list, ActionType.ALERT, "webhook"));
        Action page = outcome(actions, ActionType.ALERT, "pagerduty");
        assertThat(page.phase()).isEqualTo(ActionPhase.SKIPPED);
        assertThat(page.reason()).isEqualTo("NOT_PAGED");
        assertThat(json(about(slack, bad.deployId(), 1).get(0)).at("/blocks/0/text/text").asText())
                .startsWith(":warning: Emergency deploy of payments to production");
        JsonNode warning = json(about(hook, bad.deployId(), 1).get(0));
        assertThat(warning.at("/action/severity").asText()).isEqualTo("warning");
        assertThat(warning.at("/resolution/0").asText()).startsWith("BREAK_GLASS: its review after the fact, an "
                + "approval by someone other than the author").endsWith("becomes a violation (BREAK_GLASS_EXPIRED).");
        assertThat(warning.get("runbookUrl").asText()).isEqualTo("https://runbooks.example/oversight/EmergencyDeploy"
                + "?reason=break_glass&service=payments");
        assertThat(pagerDuty.received()).noneMatch(r -> r.body().contains(bad.deployId()));
    }
}
