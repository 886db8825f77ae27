package dev.oversight.rollback.alert;

import static dev.oversight.rollback.Fixtures.sha;
import static dev.oversight.rollback.Fixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.rollback.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTextTest {

    private final Verdict bad = violation("github:acme/payments", "payments", "production", 7, sha('b'),
            Instant.parse("2026-11-24T10:00:00Z"));

    private static Verdict with(Verdict v, ReasonCode... codes) {
        return Fixtures.next(v, VerdictStatus.VIOLATION, 2,
                java.util.Arrays.stream(codes).map(c -> new Verdict.Reason(c, c.meaning())).toList());
    }

    @Test
    void summarySaysWhatWasDeployedWhereAndWhy() {
        assertThat(AlertText.summary(Alert.trigger("id", bad, null)))
                .isEqualTo("Deploy of payments to production (bbbbbbb) skipped oversight: SELF_APPROVAL");
    }

    @Test
    void descriptionHasTheReasonsTheChangesWithTheirLinksAndWhoDeployed() {
        String text = AlertText.description(Alert.trigger("id", bad, "Rolling back to aaaaaaa."));
        assertThat(text).contains("deployed by carol at 2026-11-24T10:00:00Z")
                .contains("- SELF_APPROVAL: change #42 was approved only by its author carol")
                .contains("Change github:acme/payments#42 \"Skip the audit log\" by carol, no valid approval — "
                        + "https://github.com/acme/payments/pull/42")
                .contains("Verdict github:acme/payments/deployments/7@2 under policy acme")
                .endsWith("Rolling back to aaaaaaa.");
    }

    @Test
    void namesTheAlertAfterTheReasonFamily() {
        assertThat(AlertText.alertName(with(bad, ReasonCode.NO_APPROVAL))).isEqualTo("UnreviewedDeploy");
        assertThat(AlertText.alertName(with(bad, ReasonCode.CI_FAILED))).isEqualTo("FailingCIDeploy");
        assertThat(AlertText.alertName(with(bad, ReasonCode.CI_MISSING))).isEqualTo("FailingCIDeploy");
        assertThat(AlertText.alertName(with(bad, ReasonCode.CI_FAILED, ReasonCode.DIRECT_PUSH)))
                .isEqualTo("UnreviewedDeploy");
        assertThat(AlertText.alertName(with(bad, ReasonCode.FREEZE_WINDOW))).isEqualTo("DeployDuringFreeze");
        assertThat(AlertText.alertName(with(bad, ReasonCode.BREAK_GLASS_EXPIRED))).isEqualTo("BreakGlassReviewOverdue");
    }

    @Test
    void anEmergencyDeployIsAWarningAndANoticeIsCritical() {
        Verdict exception = Fixtures.next(bad, VerdictStatus.EXCEPTION, 2,
                List.of(new Verdict.Reason(ReasonCode.BREAK_GLASS, "declared with label break-glass")));
        Alert warning = Alert.trigger("id", exception, null);
        assertThat(warning.isWarning()).isTrue();
        assertThat(AlertText.severity(warning)).isEqualTo("warning");
        assertThat(AlertText.summary(warning)).startsWith("Emergency deploy of payments").contains("awaits its review");
        Alert notice = Alert.notice("id", bad, new Alert.Notice("github", true, "ROLLBACK_FAILED"), "HTTP 422");
        assertThat(AlertText.severity(notice)).isEqualTo("critical");
        assertThat(AlertText.alertName(notice)).isEqualTo("RollbackNotDone");
        assertThat(AlertText.summary(notice)).isEqualTo("Rollback of payments in production not done: act by hand");
    }

    @Test
    void slackTextEscapesWhatSlackWouldReadAsMarkup() {
        assertThat(SlackSink.escape("a <b> & c")).isEqualTo("a &lt;b&gt; &amp; c");
    }
}
