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

    /** The verdict with these checks on its commit. */
    private static Verdict withChecks(Verdict v, Verdict.CheckSummary... checks) {
        return new Verdict(v.schema(), v.verdictId(), v.revision(), v.deployId(), v.repository(), v.service(),
                v.environment(), v.sha(), v.previousSha(), v.status(), v.reasons(), v.changes(), List.of(checks),
                v.policy(), v.decidedAt(), v.deployedAt(), v.deployer(), v.team(), v.url(), v.deadline(), v.evidence());
    }

    private static String remedy(Verdict v, ReasonCode code) {
        return Resolution.of(v).steps().stream().filter(s -> s.code() == code).findFirst().orElseThrow().remedy();
    }

    @Test
    void everyReasonCodeSaysWhatResolvesItAndWhetherAnythingAfterTheFactCan() {
        for (ReasonCode code : ReasonCode.values()) {
            Resolution resolution = Resolution.of(with(bad, code));
            assertThat(resolution.steps()).as(code.name()).singleElement()
                    .satisfies(step -> assertThat(step.remedy()).isNotBlank());
            assertThat(resolution.lines()).as(code.name()).last().asString()
                    .contains("a rollback to the last compliant version resolves it");
            boolean lasting = code == ReasonCode.DIRECT_PUSH || code == ReasonCode.FREEZE_WINDOW;
            assertThat(resolution.remediable()).as(code.name()).isEqualTo(!lasting);
        }
    }

    @Test
    void anApprovalByAnotherHumanAfterTheFactRemediatesEveryApprovalReason() {
        for (ReasonCode code : List.of(ReasonCode.NO_APPROVAL, ReasonCode.SELF_APPROVAL, ReasonCode.APPROVAL_DISMISSED,
                ReasonCode.STALE_APPROVAL, ReasonCode.BOT_APPROVAL, ReasonCode.MISSING_OWNER_APPROVAL)) {
            assertThat(remedy(with(bad, code), code)).as(code.name()).contains("approval")
                    .contains("other than the author").contains("after the fact").contains("remediates it");
        }
        assertThat(remedy(bad, ReasonCode.SELF_APPROVAL))
                .isEqualTo("an approval by someone other than the author (after the fact) remediates it");
    }

    @Test
    void aPassingRunOfTheFailingOrMissingCheckOnTheDeployedCommitRemediatesCi() {
        Verdict failing = withChecks(with(bad, ReasonCode.CI_FAILED, ReasonCode.CI_MISSING),
                new Verdict.CheckSummary("build", "success", bad.sha(), null),
                new Verdict.CheckSummary("lint", "failure", bad.sha(), null),
                new Verdict.CheckSummary("e2e", "in_progress", bad.sha(), null));
        assertThat(remedy(failing, ReasonCode.CI_FAILED)).isEqualTo("a passing run of lint on bbbbbbb remediates it");
        assertThat(remedy(failing, ReasonCode.CI_MISSING)).isEqualTo("a passing run of e2e on bbbbbbb remediates it");
        // A required check that never reported is not among the verdict's checks: the reason above names it.
        assertThat(remedy(withChecks(with(bad, ReasonCode.CI_MISSING)), ReasonCode.CI_MISSING))
                .isEqualTo("a passing run of the check named above on bbbbbbb remediates it");
    }

    @Test
    void aDirectPushOrAFreezeCannotBeMadeGoodSoOnlyARollbackResolvesTheDeploy() {
        Resolution resolution = Resolution.of(with(bad, ReasonCode.SELF_APPROVAL, ReasonCode.DIRECT_PUSH,
                ReasonCode.FREEZE_WINDOW));
        assertThat(resolution.remediable()).isFalse();
        assertThat(resolution.cannotBeMadeGood()).containsExactly(ReasonCode.DIRECT_PUSH, ReasonCode.FREEZE_WINDOW);
        assertThat(resolution.lines()).containsExactly(
                "SELF_APPROVAL: an approval by someone other than the author (after the fact) remediates it.",
                "DIRECT_PUSH: cannot be made good after the fact: commits pushed straight to the branch were never "
                        + "reviewed.",
                "FREEZE_WINDOW: cannot be made good after the fact: the deploy happened inside the freeze.",
                "DIRECT_PUSH, FREEZE_WINDOW cannot be made good, so only a rollback to the last compliant version "
                        + "resolves it (Oversight closes this alert when it made the rollback; after a rollback by "
                        + "hand, close it by hand).");
        assertThat(remedy(with(bad, ReasonCode.UNKNOWN_CHANGE), ReasonCode.UNKNOWN_CHANGE))
                .contains("redeliver its webhook").contains("a direct push never does");
    }

    @Test
    void anEmergencyDeployIsClosedByItsReviewAfterTheFactWhichExcusesAFreeze() {
        assertThat(remedy(with(bad, ReasonCode.BREAK_GLASS_EXPIRED, ReasonCode.FREEZE_WINDOW),
                ReasonCode.BREAK_GLASS_EXPIRED))
                .isEqualTo("the review after the fact, an approval by someone other than the author, still "
                        + "remediates it, late");
        Resolution expired = Resolution.of(with(bad, ReasonCode.BREAK_GLASS_EXPIRED, ReasonCode.FREEZE_WINDOW));
        assertThat(expired.remediable()).as("break-glass excuses the freeze").isTrue();
        assertThat(remedy(with(bad, ReasonCode.BREAK_GLASS), ReasonCode.BREAK_GLASS))
                .startsWith("its review after the fact, an approval by someone other than the author")
                .endsWith("becomes a violation (BREAK_GLASS_EXPIRED)");
    }

    @Test
    void theDescriptionSaysWhatResolvesItBeforeTheNoteAndAResolutionDoesNot() {
        String text = AlertText.description(Alert.trigger("id", bad, "Rolling back to aaaaaaa."));
        assertThat(text).contains("""
                What resolves it:
                - SELF_APPROVAL: an approval by someone other than the author (after the fact) remediates it.
                Once every reason is made good the deploy is REMEDIATED and this alert resolves itself; a rollback to \
                the last compliant version resolves it""").endsWith("close it by hand).\nRolling back to aaaaaaa.");
        assertThat(AlertText.description(Alert.notice("id", bad, new Alert.Notice("github", true, "ROLLBACK_FAILED"),
                "Roll back by hand."))).contains("What resolves it:");
        assertThat(AlertText.resolution(Alert.resolve("id", bad, "remediated", List.of()))).isNull();
    }

    @Test
    void slackTextEscapesWhatSlackWouldReadAsMarkup() {
        assertThat(SlackSink.escape("a <b> & c")).isEqualTo("a &lt;b&gt; &amp; c");
    }
}
