package dev.oversight.policy.rules;

import dev.oversight.events.Actor;
import dev.oversight.events.CiResult;
import dev.oversight.events.ReasonCode;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.policy.rules.DeployFacts.ChangeFacts;
import dev.oversight.policy.rules.DeployFacts.CheckFacts;
import dev.oversight.policy.rules.DeployFacts.DirectPushFacts;
import dev.oversight.policy.rules.DeployFacts.ReviewFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The oversight rules: a pure function from what is known about a deploy and what policy asks, to a status and
 * its reasons. No Kafka, no Vert.x, no clock: time arrives in {@link DeployFacts#now()}.
 *
 * <p>Status moves forward: PENDING (evidence missing, grace not over) → COMPLIANT, VIOLATION or EXCEPTION
 * (break-glass); VIOLATION → REMEDIATED when evidence after the fact makes good every reason that can be made good;
 * EXCEPTION → REMEDIATED (review in time) or VIOLATION with BREAK_GLASS_EXPIRED (deadline passed). The one step
 * back: a COMPLIANT given before the grace ends returns to PENDING when evidence inside the grace shows a reason.
 * A baseline (the first deploy seen of a service there, of a commit older than anything Oversight saw) is judged only
 * on the evidence Oversight has of it: with nothing against it, it ends BASELINE, never VIOLATION.
 */
public final class OversightRules {

    private OversightRules() {}

    /**
     * The deploy's status now. The caller emits a new verdict only when the status differs from
     * {@link DeployFacts#priorStatus()}; for a final status that nothing moves, the assessment repeats it.
     */
    public static Assessment evaluate(DeployFacts facts, EffectivePolicy policy) {
        List<Verdict.Reason> reasons = reasons(facts, policy, Stage.AT_DEPLOY);
        boolean breakGlass = breakGlassDeclared(facts, policy);
        VerdictStatus prior = facts.priorStatus();
        // COMPLIANT is given at once, but within the grace it is provisional: evidence read later in the grace (in
        // any order) that shows a reason takes it back to PENDING, so the final verdict is the same in every order.
        boolean provisional = prior == VerdictStatus.COMPLIANT && !facts.graceOver();
        if (prior == null || prior == VerdictStatus.PENDING || provisional) {
            if (reasons.isEmpty() && facts.baseline()) {
                // Nothing Oversight saw explains the commit, and nothing it saw is wrong with it: the starting point.
                List<Verdict.Reason> note = List.of(new Verdict.Reason(ReasonCode.BASELINE, "the first deploy of "
                        + facts.service() + " to " + facts.environment() + " Oversight has seen; commit "
                        + shortSha(facts.sha()) + " predates everything Oversight saw, so it is recorded as the "
                        + "starting point and the next deploy is judged from it"));
                return assessment(facts.graceOver() ? VerdictStatus.BASELINE : VerdictStatus.PENDING, note, facts,
                        policy, Stage.AT_DEPLOY, null);
            }
            if (reasons.isEmpty()) {
                return assessment(VerdictStatus.COMPLIANT, reasons, facts, policy, Stage.AT_DEPLOY, null);
            }
            if (!facts.graceOver()) {
                return assessment(VerdictStatus.PENDING, reasons, facts, policy, Stage.AT_DEPLOY, null);
            }
            if (breakGlass) {
                Instant deadline = facts.deployedAt().plus(policy.breakGlass().reviewWithin());
                return assessment(VerdictStatus.EXCEPTION, withDeclaration(facts, policy, deadline, reasons), facts,
                        policy, Stage.AT_DEPLOY, deadline);
            }
            return assessment(VerdictStatus.VIOLATION, reasons, facts, policy, Stage.AT_DEPLOY, null);
        }
        if (prior == VerdictStatus.VIOLATION || prior == VerdictStatus.EXCEPTION) {
            // Evidence after the fact makes good every reason it can; under break-glass the freeze is excused by
            // the declaration itself. A freeze outside break-glass, or a direct push, cannot be made good.
            List<Verdict.Reason> remaining = reasons(facts, policy, Stage.AFTER_THE_FACT);
            boolean madeGood = remaining.stream()
                    .allMatch(r -> breakGlass && r.code() == ReasonCode.FREEZE_WINDOW);
            if (madeGood) {
                return assessment(VerdictStatus.REMEDIATED, reasons, facts, policy, Stage.AFTER_THE_FACT,
                        facts.exceptionDeadline());
            }
            if (prior == VerdictStatus.EXCEPTION) {
                Instant deadline = facts.exceptionDeadline();
                if (deadline != null && !facts.now().isBefore(deadline)) {
                    List<Verdict.Reason> expired = new ArrayList<>();
                    expired.add(new Verdict.Reason(ReasonCode.BREAK_GLASS_EXPIRED, "the review after the fact of "
                            + "this emergency deploy was due by " + deadline + " and has not arrived"));
                    expired.addAll(remaining);
                    return assessment(VerdictStatus.VIOLATION, expired, facts, policy, Stage.AFTER_THE_FACT, deadline);
                }
                return assessment(VerdictStatus.EXCEPTION, withDeclaration(facts, policy, deadline, reasons), facts,
                        policy, Stage.AT_DEPLOY, deadline);
            }
            return assessment(VerdictStatus.VIOLATION, reasons, facts, policy, Stage.AT_DEPLOY, null);
        }
        return assessment(prior, reasons, facts, policy, Stage.AT_DEPLOY, facts.exceptionDeadline());
    }

    private static List<Verdict.Reason> withDeclaration(DeployFacts facts, EffectivePolicy policy, Instant deadline,
                                                        List<Verdict.Reason> reasons) {
        List<Verdict.Reason> all = new ArrayList<>();
        all.add(new Verdict.Reason(ReasonCode.BREAK_GLASS, "emergency deploy declared by "
                + declaration(facts, policy) + "; a review after the fact is due by " + deadline));
        all.addAll(reasons);
        return all;
    }

    /**
     * When approvals count: at the deploy (given before the change merged, or before the deploy for an unmerged
     * change), or after the fact (any time: these remediate, they never make a deploy compliant).
     */
    enum Stage { AT_DEPLOY, AFTER_THE_FACT }

    static List<Verdict.Reason> reasons(DeployFacts facts, EffectivePolicy policy, Stage stage) {
        List<Verdict.Reason> reasons = new ArrayList<>();
        // A baseline is judged only on the evidence Oversight has of it: what it never saw is not held against it.
        boolean baseline = facts.baseline();
        if (!facts.commitExplained() && !baseline) {
            reasons.add(new Verdict.Reason(ReasonCode.UNKNOWN_CHANGE, "commit " + shortSha(facts.sha())
                    + " cannot be tied to any change or push Oversight has seen"));
        }
        for (String gap : facts.unseenHistory()) {
            reasons.add(new Verdict.Reason(ReasonCode.UNKNOWN_CHANGE, gap));
        }
        for (DirectPushFacts push : facts.directPushes()) {
            String pusher = push.pusher() == null ? "unknown" : push.pusher().login();
            if (!policy.directPush().allow().contains(pusher)) {
                reasons.add(new Verdict.Reason(ReasonCode.DIRECT_PUSH, pusher + " pushed " + push.commits().size()
                        + (push.commits().size() == 1 ? " commit" : " commits") + " (" + shortSha(push.after())
                        + ") straight to " + (facts.branch() == null ? "the deployed branch" : facts.branch())
                        + " without a reviewed change"));
            }
        }
        for (ChangeFacts change : facts.changes()) {
            reasons.addAll(approvalReasons(change, facts, policy, stage));
        }
        ciReasons(facts, policy).stream()
                .filter(r -> !baseline || (r.code() != ReasonCode.CI_MISSING && r.code() != ReasonCode.EVIDENCE_UNAVAILABLE))
                .forEach(reasons::add);
        FreezeCalendar.covering(policy.freezes(), facts.deployedAt()).ifPresent(freeze -> reasons.add(
                new Verdict.Reason(ReasonCode.FREEZE_WINDOW, "deployed at " + facts.deployedAt()
                        + " inside the change freeze" + (freeze.name() == null ? "" : " '" + freeze.name() + "'"))));
        return reasons;
    }

    /** The approvals a change has at a stage, and why they fall short of policy. */
    static List<Verdict.Reason> approvalReasons(ChangeFacts change, DeployFacts facts, EffectivePolicy policy,
                                                Stage stage) {
        Approvals approvals = approvals(change, facts, policy, stage);
        List<Verdict.Reason> reasons = new ArrayList<>();
        String name = "change " + shortId(change.changeId());
        int required = policy.approvals().count();
        if (approvals.valid().size() < required) {
            if (approvals.valid().isEmpty() && !approvals.self().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.SELF_APPROVAL, name + " was approved only by its "
                        + (approvals.self().contains(login(change.author())) ? "author " : "committer ")
                        + String.join(", ", approvals.self())));
            }
            if (!approvals.bots().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.BOT_APPROVAL, name + " has approvals from bots ("
                        + String.join(", ", approvals.bots()) + "), which do not count"));
            }
            if (!approvals.dismissed().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.APPROVAL_DISMISSED, name + " lost the approval of "
                        + String.join(", ", approvals.dismissed()) + " (dismissed or withdrawn) and it was not replaced"));
            }
            if (!approvals.stale().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.STALE_APPROVAL, name + " was approved by "
                        + String.join(", ", approvals.stale()) + " before its last commit "
                        + shortSha(change.headSha())));
            }
            if (!approvals.unavailable().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.EVIDENCE_UNAVAILABLE, name + " was approved by "
                        + String.join(", ", approvals.unavailable()) + " on a commit the source no longer has, so "
                        + "whether the approval covered its last commit " + shortSha(change.headSha())
                        + " cannot be known; it does not count"));
            }
            if (reasons.isEmpty() || !approvals.valid().isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.NO_APPROVAL, approvals.valid().isEmpty()
                        ? name + " has no approval from anyone but its author"
                        : name + " has " + approvals.valid().size() + " of " + required + " required approvals"));
            }
        }
        for (Policy.OwnerRule owner : policy.owners()) {
            List<String> touched = change.files().stream()
                    .filter(file -> owner.paths().stream().anyMatch(p -> Glob.matchesPath(p, file)))
                    .sorted().toList();
            if (!touched.isEmpty() && approvals.valid().stream().noneMatch(policy.group(owner.group())::contains)) {
                reasons.add(new Verdict.Reason(ReasonCode.MISSING_OWNER_APPROVAL, name + " touches "
                        + abbreviate(touched) + " and has no approval from " + owner.group()));
            }
        }
        for (String group : policy.requiredGroups()) {
            if (approvals.valid().stream().noneMatch(policy.group(group)::contains)) {
                reasons.add(new Verdict.Reason(ReasonCode.MISSING_OWNER_APPROVAL, name + " has no approval from "
                        + group + ", which policy requires for " + facts.environment()));
            }
        }
        return reasons;
    }

    /** Approvals sorted into those that count and those that do not, and why. */
    record Approvals(List<String> valid, List<String> self, List<String> bots, List<String> stale,
                     List<String> dismissed, List<String> unavailable) {}

    static Approvals approvals(ChangeFacts change, DeployFacts facts, EffectivePolicy policy, Stage stage) {
        List<ReviewFacts> ordered = change.reviews().stream()
                .filter(r -> stage == Stage.AFTER_THE_FACT || countsAtDeploy(r, change, facts))
                .sorted(IN_ORDER)
                .toList();
        Map<String, String> reviewerOfReview = new LinkedHashMap<>();
        Map<String, ReviewFacts> latest = new LinkedHashMap<>();
        Set<String> everApproved = new java.util.HashSet<>();
        for (ReviewFacts review : ordered) {
            if (review.state() == ReviewState.COMMENTED) {
                continue; // a comment leaves an earlier approval or request for changes standing
            }
            String reviewer = review.reviewer() == null ? null : review.reviewer().login();
            if (review.state() == ReviewState.DISMISSED && review.reviewId() != null
                    && reviewerOfReview.containsKey(review.reviewId())) {
                reviewer = reviewerOfReview.get(review.reviewId());
            }
            if (reviewer == null) {
                continue;
            }
            if (review.reviewId() != null && review.state() != ReviewState.DISMISSED) {
                reviewerOfReview.put(review.reviewId(), reviewer);
            }
            if (review.state() == ReviewState.APPROVED) {
                everApproved.add(key(reviewer));
            }
            latest.put(key(reviewer), review);
        }
        String author = key(login(change.author()));
        Set<String> committers = change.committers().stream().map(OversightRules::key).collect(Collectors.toSet());
        List<String> valid = new ArrayList<>();
        List<String> self = new ArrayList<>();
        List<String> bots = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> dismissed = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (Map.Entry<String, ReviewFacts> entry : latest.entrySet()) {
            ReviewFacts review = entry.getValue();
            String login = review.reviewer() == null ? entry.getKey() : review.reviewer().login();
            if (review.state() == ReviewState.DISMISSED || review.state() == ReviewState.APPROVAL_WITHDRAWN) {
                if (everApproved.contains(entry.getKey())) {
                    dismissed.add(login);
                }
                continue;
            }
            if (review.state() != ReviewState.APPROVED) {
                continue;
            }
            boolean isBot = policy.isBot(login, review.reviewer() != null && review.reviewer().bot());
            if (entry.getKey().equals(author)
                    || (policy.approvals().excludeCommitters() && committers.contains(entry.getKey()))) {
                self.add(login);
            } else if (isBot) {
                bots.add(login);
            } else if (policy.approvals().onFinalHead() && review.commitUnavailable()) {
                unavailable.add(login);
            } else if (policy.approvals().onFinalHead() && !onFinalHead(review, change)) {
                stale.add(login);
            } else {
                valid.add(login);
            }
        }
        return new Approvals(valid, self, bots, stale, dismissed, unavailable);
    }

    /**
     * Review events in the order they happened: by time; at the same time, a dismissal or withdrawal after what it
     * takes back; then by review id — never by the order they were received.
     */
    static final Comparator<ReviewFacts> IN_ORDER = Comparator
            .comparing(ReviewFacts::at, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(r -> r.state() == ReviewState.DISMISSED || r.state() == ReviewState.APPROVAL_WITHDRAWN)
            .thenComparing(ReviewFacts::reviewId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ReviewFacts::state)
            // the same review told live and read from history: the one that names its commit is the later word
            .thenComparing(r -> !r.commitUnavailable());

    /**
     * Whether a review event counts at the deploy: it happened before the change merged (before the deploy, for a
     * change deployed unmerged). Where the payload said whether the change was merged at the time, that decides;
     * otherwise the event's time does.
     */
    static boolean countsAtDeploy(ReviewFacts review, ChangeFacts change, DeployFacts facts) {
        if (change.mergedAt() != null && review.changeMerged() != null) {
            return !review.changeMerged();
        }
        Instant cutoff = change.mergedAt() != null ? change.mergedAt() : facts.deployedAt();
        return cutoff == null || review.at() == null || !review.at().isAfter(cutoff);
    }

    private static boolean onFinalHead(ReviewFacts review, ChangeFacts change) {
        if (review.commitSha() != null && change.headSha() != null) {
            return review.commitSha().equalsIgnoreCase(change.headSha());
        }
        return change.headUpdatedAt() == null || review.at() == null || !review.at().isBefore(change.headUpdatedAt());
    }

    static List<Verdict.Reason> ciReasons(DeployFacts facts, EffectivePolicy policy) {
        List<Verdict.Reason> reasons = new ArrayList<>();
        String on = " on " + shortSha(facts.sha());
        // The source no longer keeps any check of the commit: nothing that ran there can be shown, nothing passes.
        boolean everyCheckUnavailable = facts.checks().stream().anyMatch(c -> CiResult.EVERY_CHECK.equals(c.name())
                && c.conclusion() == CiResult.CiConclusion.UNAVAILABLE);
        if (policy.checks().allReported()) {
            List<CheckFacts> reported = facts.checks().stream()
                    .filter(c -> c.system() != CiResult.CiSystem.CHECK_SUITE).toList();
            if (everyCheckUnavailable && reported.size() > 1) {
                // checks reported on the commit since (a re-run after the fact) are what is known of it now
                reported = reported.stream().filter(c -> !CiResult.EVERY_CHECK.equals(c.name())).toList();
            }
            if (reported.isEmpty()) {
                reasons.add(new Verdict.Reason(ReasonCode.CI_MISSING, "no check reported" + on));
            }
            for (CheckFacts check : reported) {
                checkReason(check, check.name(), on).ifPresent(reasons::add);
            }
        } else {
            for (String name : policy.checks().required()) {
                Optional<CheckFacts> check = facts.checks().stream()
                        .filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
                if (check.isEmpty() && everyCheckUnavailable) {
                    reasons.add(new Verdict.Reason(ReasonCode.EVIDENCE_UNAVAILABLE, "required check " + name
                            + on + " cannot be shown: the source no longer keeps the commit's checks"));
                } else if (check.isEmpty()) {
                    reasons.add(new Verdict.Reason(ReasonCode.CI_MISSING, "required check " + name
                            + " never reported" + on));
                } else {
                    checkReason(check.get(), name, on).ifPresent(reasons::add);
                }
            }
        }
        return reasons;
    }

    private static Optional<Verdict.Reason> checkReason(CheckFacts check, String name, String on) {
        if (check.conclusion() == CiResult.CiConclusion.UNAVAILABLE) {
            return Optional.of(new Verdict.Reason(ReasonCode.EVIDENCE_UNAVAILABLE, CiResult.EVERY_CHECK.equals(name)
                    ? "the checks" + on + " cannot be shown: the source no longer keeps them; what ran is not known"
                    : "check " + name + on + " cannot be shown: the source no longer keeps its result"));
        }
        if (!check.finished()) {
            return Optional.of(new Verdict.Reason(ReasonCode.CI_MISSING, "check " + name + " has not finished" + on));
        }
        if (!passed(check.conclusion())) {
            return Optional.of(new Verdict.Reason(ReasonCode.CI_FAILED, "check " + name + " ended "
                    + check.conclusion().name().toLowerCase(Locale.ROOT) + on
                    + (check.attempt() > 1 ? " (attempt " + check.attempt() + ")" : "")));
        }
        return Optional.empty();
    }

    /** As GitHub's required checks: success passes, and so do neutral and skipped. */
    static boolean passed(CiResult.CiConclusion conclusion) {
        return conclusion == CiResult.CiConclusion.SUCCESS || conclusion == CiResult.CiConclusion.NEUTRAL
                || conclusion == CiResult.CiConclusion.SKIPPED;
    }

    static boolean breakGlassDeclared(DeployFacts facts, EffectivePolicy policy) {
        return declaration(facts, policy) != null;
    }

    private static String declaration(DeployFacts facts, EffectivePolicy policy) {
        Policy.BreakGlass breakGlass = policy.breakGlass();
        if (breakGlass == null) {
            return null;
        }
        if (breakGlass.deployFlag() != null && facts.deployFlags().contains(breakGlass.deployFlag())) {
            return "the deploy flag '" + breakGlass.deployFlag() + "'";
        }
        if (breakGlass.label() != null) {
            for (ChangeFacts change : facts.changes()) {
                if (change.labels().stream().anyMatch(l -> l.equalsIgnoreCase(breakGlass.label()))) {
                    return "the label '" + breakGlass.label() + "' on change " + shortId(change.changeId());
                }
            }
        }
        return null;
    }

    private static Assessment assessment(VerdictStatus status, List<Verdict.Reason> reasons, DeployFacts facts,
                                         EffectivePolicy policy, Stage stage, Instant deadline) {
        List<Verdict.ChangeSummary> changes = facts.changes().stream()
                .map(c -> new Verdict.ChangeSummary(c.changeId(), c.title(), c.url(), login(c.author()),
                        approvals(c, facts, policy, stage).valid(), c.headSha(), c.mergeSha()))
                .toList();
        List<Verdict.CheckSummary> checks = facts.checks().stream()
                .map(c -> new Verdict.CheckSummary(c.name(),
                        c.finished() ? c.conclusion().name().toLowerCase(Locale.ROOT)
                                : c.status().name().toLowerCase(Locale.ROOT),
                        facts.sha(), c.url()))
                .toList();
        return new Assessment(status, reasons, changes, checks, deadline);
    }

    private static String login(Actor actor) {
        return actor == null ? null : actor.login();
    }

    private static String key(String login) {
        return login == null ? "" : login.toLowerCase(Locale.ROOT);
    }

    /** {@code github:acme/payments#42} → {@code #42}; other ids as they are. */
    static String shortId(String changeId) {
        int hash = changeId.lastIndexOf('#');
        int bang = changeId.lastIndexOf('!');
        int at = Math.max(hash, bang);
        return at >= 0 ? changeId.substring(at) : changeId;
    }

    static String shortSha(String sha) {
        return sha == null ? "(unknown)" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    private static String abbreviate(List<String> paths) {
        return paths.size() <= 3 ? String.join(", ", paths)
                : String.join(", ", paths.subList(0, 3)) + " and " + (paths.size() - 3) + " more";
    }
}
