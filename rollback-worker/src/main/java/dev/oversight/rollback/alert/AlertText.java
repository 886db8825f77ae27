package dev.oversight.rollback.alert;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The words of an alert: a one-line summary and a description with the reasons, the changes and who deployed. */
public final class AlertText {

    private AlertText() {}

    public static String summary(Verdict v) {
        String what = switch (v.status()) {
            case REMEDIATED -> "Remediated: deploy";
            case EXCEPTION -> "Emergency deploy";
            default -> "Deploy";
        };
        String codes = v.reasons().stream().map(r -> r.code().name()).distinct().collect(Collectors.joining(", "));
        return what + " of " + v.service() + " to " + v.environment() + " (" + shortSha(v.sha()) + ") "
                + (v.status() == dev.oversight.events.VerdictStatus.REMEDIATED ? "was made good after the fact"
                : "skipped oversight") + (codes.isEmpty() ? "" : ": " + codes);
    }

    public static String description(Verdict v) {
        StringBuilder text = new StringBuilder();
        text.append("Repository ").append(v.repository()).append(", commit ").append(v.sha());
        if (v.deployer() != null) {
            text.append(", deployed by ").append(v.deployer());
        }
        if (v.deployedAt() != null) {
            text.append(" at ").append(v.deployedAt());
        }
        text.append(".\n");
        for (Verdict.Reason reason : v.reasons()) {
            text.append("- ").append(reason.code()).append(": ").append(reason.detail()).append('\n');
        }
        for (Verdict.ChangeSummary change : v.changes()) {
            text.append("Change ").append(change.id());
            if (change.title() != null) {
                text.append(" \"").append(change.title()).append('"');
            }
            text.append(" by ").append(change.author());
            text.append(change.approvers().isEmpty() ? ", no valid approval"
                    : ", approved by " + String.join(", ", change.approvers()));
            if (change.url() != null) {
                text.append(" — ").append(change.url());
            }
            text.append('\n');
        }
        text.append("Verdict ").append(v.verdictId()).append(" under policy ").append(v.policy().name());
        return text.toString();
    }

    /** The alert name of a reason family, as Alertmanager routes it. */
    public static String alertName(Verdict v) {
        List<ReasonCode> codes = v.reasons().stream().map(Verdict.Reason::code).toList();
        if (codes.contains(ReasonCode.BREAK_GLASS_EXPIRED)) {
            return "BreakGlassReviewOverdue";
        }
        if (codes.stream().anyMatch(c -> c == ReasonCode.NO_APPROVAL || c == ReasonCode.SELF_APPROVAL
                || c == ReasonCode.APPROVAL_DISMISSED || c == ReasonCode.STALE_APPROVAL || c == ReasonCode.BOT_APPROVAL
                || c == ReasonCode.MISSING_OWNER_APPROVAL || c == ReasonCode.DIRECT_PUSH
                || c == ReasonCode.UNKNOWN_CHANGE)) {
            return "UnreviewedDeploy";
        }
        if (codes.contains(ReasonCode.CI_FAILED) || codes.contains(ReasonCode.CI_MISSING)) {
            return "FailingCIDeploy";
        }
        if (codes.contains(ReasonCode.FREEZE_WINDOW)) {
            return "DeployDuringFreeze";
        }
        if (codes.contains(ReasonCode.BREAK_GLASS)) {
            return "EmergencyDeploy";
        }
        return "DeployWithoutOversight";
    }

    /** The first reason's code, lower case: a bounded label value. */
    public static String mainReason(Verdict v) {
        return v.reasons().isEmpty() ? "none" : v.reasons().get(0).code().name().toLowerCase(Locale.ROOT);
    }

    static String shortSha(String sha) {
        return sha == null ? "unknown" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
