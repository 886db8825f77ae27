package dev.oversight.rollback.alert;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The words of an alert, the same in every sink: a one-line summary, and a description with the reasons, the changes
 * and their links, who deployed, what resolves it ({@link Resolution}) and what happens about a rollback.
 */
public final class AlertText {

    private AlertText() {}

    /** One line: what happened to which service where. */
    public static String summary(Alert alert) {
        Verdict v = alert.verdict();
        return switch (alert.kind()) {
            case TRIGGER -> summary(v);
            case RESOLVE -> "Resolved: deploy of " + v.service() + " to " + v.environment() + " (" + shortSha(v.sha())
                    + ")" + (alert.note() == null ? "" : " — " + alert.note());
            case NOTICE -> alert.notice().aboutRollback()
                    ? "Rollback of " + v.service() + " in " + v.environment() + " not done: act by hand"
                    : "Alert about the deploy of " + v.service() + " to " + v.environment() + " (" + shortSha(v.sha())
                    + ") not delivered to " + alert.notice().subject();
        };
    }

    public static String summary(Verdict v) {
        String what = switch (v.status()) {
            case REMEDIATED -> "Remediated: deploy";
            case EXCEPTION -> "Emergency deploy";
            default -> "Deploy";
        };
        String codes = v.reasons().stream().map(r -> r.code().name()).distinct().collect(Collectors.joining(", "));
        return what + " of " + v.service() + " to " + v.environment() + " (" + shortSha(v.sha()) + ") "
                + (v.status() == VerdictStatus.REMEDIATED ? "was made good after the fact"
                : v.status() == VerdictStatus.EXCEPTION ? "awaits its review after the fact"
                : "skipped oversight") + (codes.isEmpty() ? "" : ": " + codes);
    }

    /** Several lines: the deploy, each reason, each change with its link, what resolves it, then the note. */
    public static String description(Alert alert) {
        String text = description(alert.verdict());
        Resolution resolution = resolution(alert);
        if (resolution != null) {
            text = text + "\n" + resolution.text();
        }
        return alert.note() == null ? text : text + "\n" + alert.note();
    }

    /**
     * What resolves the violation an alert or a notice is about; null for a resolution, which says how it was
     * resolved instead.
     */
    public static Resolution resolution(Alert alert) {
        return alert.kind() == Alert.Kind.RESOLVE ? null : Resolution.of(alert.verdict());
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
            text.append(changeLine(change, change.url())).append('\n');
        }
        text.append("Verdict ").append(v.verdictId()).append(" under policy ").append(v.policy().name());
        return text.toString();
    }

    /** "Change github:acme/pay#4 "title" by carol, no valid approval — https://…", with the link as given. */
    public static String changeLine(Verdict.ChangeSummary change, String link) {
        StringBuilder text = new StringBuilder("Change ").append(change.id());
        if (change.title() != null) {
            text.append(" \"").append(change.title()).append('"');
        }
        text.append(" by ").append(change.author());
        text.append(change.approvers().isEmpty() ? ", no valid approval"
                : ", approved by " + String.join(", ", change.approvers()));
        if (link != null) {
            text.append(" — ").append(link);
        }
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

    /** The alert name of a notice: a rollback that did not happen, or an alert that did not arrive. */
    public static String alertName(Alert alert) {
        if (alert.kind() != Alert.Kind.NOTICE) {
            return alertName(alert.verdict());
        }
        return alert.notice().aboutRollback() ? "RollbackNotDone" : "AlertNotDelivered";
    }

    /** The first reason's code, lower case: a bounded label value. */
    public static String mainReason(Verdict v) {
        return v.reasons().isEmpty() ? "none" : v.reasons().get(0).code().name().toLowerCase(Locale.ROOT);
    }

    /** The reason an alert is about, lower case: the first reason's code, or a notice's own (rollback_failed…). */
    public static String reasonLabel(Alert alert) {
        return alert.kind() == Alert.Kind.NOTICE
                ? alert.notice().reason().toLowerCase(Locale.ROOT) : mainReason(alert.verdict());
    }

    /** {@code critical} for violations and notices, {@code warning} for an emergency deploy under policy. */
    public static String severity(Alert alert) {
        return alert.isWarning() ? "warning" : "critical";
    }

    public static String shortSha(String sha) {
        return sha == null ? "unknown" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }
}
