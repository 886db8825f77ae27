package dev.oversight.rollback.alert;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What resolves an alert, reason by reason: the one place that maps a reason code to what makes it good after the
 * fact, and says which reasons nothing after the fact can make good. Every sink shows these lines.
 *
 * <p>The rules are policy-stream's ("After the fact" in policy-stream/README.md), in this order:
 * <ol>
 *   <li>Approval reasons ({@code NO_APPROVAL}, {@code SELF_APPROVAL}, {@code APPROVAL_DISMISSED},
 *       {@code STALE_APPROVAL}, {@code BOT_APPROVAL}, {@code MISSING_OWNER_APPROVAL}) are made good by an approval,
 *       given after the fact, that counts: by someone other than the author (a human; on the final head; from the
 *       group policy asks for).</li>
 *   <li>{@code CI_FAILED} and {@code CI_MISSING} are made good by a passing run of the check on the deployed
 *       commit.</li>
 *   <li>{@code EVIDENCE_UNAVAILABLE} (evidence read from history that the source no longer has) is made good by
 *       what would have passed: an approval of the final head, or a passing run of the checks, after the fact.</li>
 *   <li>{@code UNKNOWN_CHANGE} is made good only when the missing evidence arrives (the webhook of the push or change
 *       that brought the commit, redelivered) and what it shows passes policy.</li>
 *   <li>{@code DIRECT_PUSH} can never be made good; nor can {@code FREEZE_WINDOW}, unless the deploy was declared an
 *       emergency (break-glass), which excuses a freeze.</li>
 *   <li>{@code BREAK_GLASS} is closed by its review after the fact by the deadline; {@code BREAK_GLASS_EXPIRED} by
 *       that review, late.</li>
 *   <li>A deploy is remediated only when every reason is made good; one reason that cannot be leaves a rollback to
 *       the last compliant version as the only resolution. A rollback always resolves it.</li>
 * </ol>
 *
 * @param steps      one per reason code of the verdict, in the verdict's order
 * @param remediable whether evidence after the fact can make good every reason, so the deploy can be REMEDIATED
 */
public record Resolution(List<Step> steps, boolean remediable) {

    /**
     * @param code          the reason code
     * @param remedy        what makes it good after the fact, or why nothing can
     * @param canBeMadeGood whether anything after the fact can
     */
    public record Step(ReasonCode code, String remedy, boolean canBeMadeGood) {}

    /** Checks whose conclusion lets a deploy through, as policy-stream judges them. */
    private static final Set<String> PASSING = Set.of("success", "neutral", "skipped");
    /** A check that has not finished shows its status instead of a conclusion. */
    private static final Set<String> UNFINISHED = Set.of("queued", "in_progress", "pending", "requested", "waiting");

    public Resolution {
        steps = List.copyOf(steps);
    }

    /** What resolves an alert about this verdict. */
    public static Resolution of(Verdict v) {
        boolean breakGlass = v.hasReason(ReasonCode.BREAK_GLASS) || v.hasReason(ReasonCode.BREAK_GLASS_EXPIRED);
        Map<ReasonCode, Step> steps = new LinkedHashMap<>();
        for (Verdict.Reason reason : v.reasons()) {
            steps.computeIfAbsent(reason.code(), code -> step(code, v, breakGlass));
        }
        boolean remediable = steps.values().stream().allMatch(Step::canBeMadeGood);
        return new Resolution(new ArrayList<>(steps.values()), remediable);
    }

    private static Step step(ReasonCode code, Verdict v, boolean breakGlass) {
        String sha = AlertText.shortSha(v.sha());
        return switch (code) {
            case NO_APPROVAL, SELF_APPROVAL -> good(code,
                    "an approval by someone other than the author (after the fact) remediates it");
            case APPROVAL_DISMISSED -> good(code,
                    "a new approval by someone other than the author (after the fact) remediates it");
            case STALE_APPROVAL -> good(code, "an approval of the change's final head by someone other than the "
                    + "author (after the fact) remediates it");
            case BOT_APPROVAL -> good(code,
                    "an approval by a human other than the author (after the fact) remediates it");
            case MISSING_OWNER_APPROVAL -> good(code, "an approval by a member of the group policy requires, other "
                    + "than the author (after the fact), remediates it");
            case CI_FAILED -> good(code, "a passing run of " + checks(v, false) + " on " + sha + " remediates it");
            case CI_MISSING -> good(code, "a passing run of " + checks(v, true) + " on " + sha + " remediates it");
            case EVIDENCE_UNAVAILABLE -> good(code, "what the source no longer has cannot be read again; an approval "
                    + "of the change's final head, or a passing run of the required checks on " + sha
                    + ", given after the fact, remediates it");
            case UNKNOWN_CHANGE -> good(code, "made good only if Oversight receives the push or change that brought "
                    + sha + " (redeliver its webhook) and that change passes policy; a direct push never does");
            case DIRECT_PUSH -> new Step(code, "cannot be made good after the fact: commits pushed straight to the "
                    + "branch were never reviewed", false);
            case FREEZE_WINDOW -> breakGlass
                    ? good(code, "excused by the emergency (break-glass) declaration")
                    : new Step(code, "cannot be made good after the fact: the deploy happened inside the freeze",
                            false);
            case BREAK_GLASS -> good(code, "its review after the fact, an approval by someone other than the author"
                    + (v.deadline() == null ? "" : " by " + v.deadline()) + ", closes it; without one it becomes a "
                    + "violation (BREAK_GLASS_EXPIRED)");
            case BREAK_GLASS_EXPIRED -> good(code, "the review after the fact, an approval by someone other than the "
                    + "author, still remediates it, late");
            // Not a fault: a baseline is never alerted; said for completeness.
            case BASELINE -> good(code, "nothing to resolve: the first deploy Oversight saw is its starting point");
        };
    }

    private static Step good(ReasonCode code, String remedy) {
        return new Step(code, remedy, true);
    }

    /**
     * The checks the verdict shows failing (or, for {@code CI_MISSING}, not finished), by name; a required check
     * that never reported is not among the verdict's checks, and is then "the check named above".
     */
    private static String checks(Verdict v, boolean missing) {
        List<String> names = v.ci().stream()
                .filter(c -> c.conclusion() != null && (missing ? UNFINISHED.contains(c.conclusion())
                        : !PASSING.contains(c.conclusion()) && !UNFINISHED.contains(c.conclusion())))
                .map(Verdict.CheckSummary::name).distinct().toList();
        return names.isEmpty() ? "the check named above" : String.join(", ", names);
    }

    /** The reason codes nothing after the fact can make good. */
    public List<ReasonCode> cannotBeMadeGood() {
        return steps.stream().filter(s -> !s.canBeMadeGood()).map(Step::code).toList();
    }

    /** The last line, whatever the reasons: what a rollback does, and whether anything else can resolve it. */
    public String rollbackLine() {
        String rollback = "a rollback to the last compliant version resolves it (Oversight closes this alert when it "
                + "made the rollback; after a rollback by hand, close it by hand)";
        if (remediable) {
            return "Once every reason is made good the deploy is REMEDIATED and this alert resolves itself; " + rollback
                    + ".";
        }
        return cannotBeMadeGood().stream().map(Enum::name).collect(Collectors.joining(", "))
                + " cannot be made good, so only " + rollback + ".";
    }

    /** One line per reason code ({@code CODE: remedy}), then the rollback line. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        steps.forEach(s -> lines.add(s.code() + ": " + s.remedy() + "."));
        lines.add(rollbackLine());
        return lines;
    }

    /** "What resolves it:", a list item per reason code, then the rollback line. */
    public String text() {
        StringBuilder text = new StringBuilder("What resolves it:");
        List<String> lines = lines();
        for (int i = 0; i < lines.size(); i++) {
            text.append('\n').append(i < lines.size() - 1 ? "- " : "").append(lines.get(i));
        }
        return text.toString();
    }
}
