package dev.oversight.whatif;

import dev.oversight.events.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deploy by deploy, the recorded outcome against the replayed one. A pure function of what was read; its rules, in
 * order, for each deploy of the scope (a deploy that has a verdict recorded or replayed):
 * <ol>
 *   <li>its evidence is not complete any more (an evidence topic's oldest record is later than the deploy's lead-in
 *       start, or the deploy itself is gone from the deploys topic): UNKNOWN, with why — never counted as equal;</li>
 *   <li>recorded never a violation, replayed a violation (now or before it was remediated): a flip to VIOLATION;</li>
 *   <li>the other way round: a flip to COMPLIANT (or whatever status it has);</li>
 *   <li>another status (e.g. NONE → COMPLIANT when an environment becomes protected, COMPLIANT → BASELINE): a status
 *       flip;</li>
 *   <li>the same status with other reason codes: a reasons flip;</li>
 *   <li>otherwise: equal.</li>
 * </ol>
 */
public final class Comparison {

    /** Kinds of flips, in the order the report lists them. */
    public enum Kind { TO_VIOLATION, TO_COMPLIANT, STATUS, REASONS }

    /** A deploy whose verdict differs. */
    public record Flip(Kind kind, Deploy deploy, Outcome recorded, Outcome replayed, SortedSet<String> added,
                       SortedSet<String> removed) {

        public String change() {
            return Outcome.shown(recorded) + "→" + Outcome.shown(replayed);
        }
    }

    /** A deploy of the scope, described from its recorded verdict where there is one. */
    public record Deploy(String deployId, String repository, String service, String team, String environment,
                         Instant deployedAt, String sha, List<Verdict.ChangeSummary> changes) {

        static Deploy of(Verdict v) {
            return new Deploy(v.deployId(), v.repository(), v.service(), v.team(), v.environment(), v.deployedAt(),
                    v.sha(), v.changes());
        }
    }

    /** A deploy the replay cannot judge. */
    public record Unknown(Deploy deploy, Outcome recorded, String why) {}

    /** What decides that a deploy's evidence is incomplete: null when it is complete, else why not. */
    @FunctionalInterface
    public interface Completeness {
        String incomplete(String repository, Instant deployedAt);
    }

    /** Flip counts of one group (a team, a service, an environment). */
    public static final class Counts {
        public int toViolation;
        public int toCompliant;
        public int status;
        public int reasons;

        void add(Kind kind) {
            switch (kind) {
                case TO_VIOLATION -> toViolation++;
                case TO_COMPLIANT -> toCompliant++;
                case STATUS -> status++;
                case REASONS -> reasons++;
            }
        }

        public int total() {
            return toViolation + toCompliant + status + reasons;
        }
    }

    /** How often a reason code was added and removed by the flips. */
    public static final class ReasonCounts {
        public int added;
        public int removed;
    }

    /** The whole comparison. */
    public record Result(int compared, int equal, List<Flip> flips, List<Unknown> unknown,
                         Map<String, Counts> byTeam, Map<String, Counts> byService, Map<String, Counts> byEnvironment,
                         Map<String, ReasonCounts> byReason) {

        public long count(Kind kind) {
            return flips.stream().filter(f -> f.kind() == kind).count();
        }

        public boolean anyToViolation() {
            return count(Kind.TO_VIOLATION) > 0;
        }
    }

    private Comparison() {}

    /**
     * @param seenDeploys the deploy ids the replay read a deploy event of
     */
    public static Result compare(Scope scope, Map<String, Outcome> recorded, Map<String, Outcome> replayed,
                                 Set<String> seenDeploys, Completeness completeness) {
        Set<String> ids = new HashSet<>(recorded.keySet());
        ids.addAll(replayed.keySet());
        List<Flip> flips = new ArrayList<>();
        List<Unknown> unknown = new ArrayList<>();
        int compared = 0;
        int equal = 0;
        for (String id : ids) {
            Outcome was = recorded.get(id);
            Outcome now = replayed.get(id);
            Deploy deploy = Deploy.of((was != null ? was : now).last());
            if (!scope.covers(deploy.deployedAt(), deploy.repository(), deploy.service(), deploy.team(),
                    deploy.environment())) {
                continue;
            }
            compared++;
            String why = completeness.incomplete(deploy.repository(), deploy.deployedAt());
            if (why == null && !seenDeploys.contains(id)) {
                why = "the deploy's own events are no longer on the deploys topic";
            }
            if (why != null) {
                unknown.add(new Unknown(deploy, was, why));
                continue;
            }
            Kind kind = kind(was, now);
            if (kind == null) {
                equal++;
                continue;
            }
            SortedSet<String> added = new TreeSet<>(Outcome.reasons(now));
            added.removeAll(Outcome.reasons(was));
            SortedSet<String> removed = new TreeSet<>(Outcome.reasons(was));
            removed.removeAll(Outcome.reasons(now));
            flips.add(new Flip(kind, deploy, was, now, added, removed));
        }
        flips.sort(Comparator.comparing((Flip f) -> f.kind()).thenComparing(f -> f.deploy().deployedAt())
                .thenComparing(f -> f.deploy().deployId()));
        unknown.sort(Comparator.comparing((Unknown u) -> u.deploy().deployedAt()).thenComparing(u -> u.deploy().deployId()));
        Map<String, Counts> byTeam = new TreeMap<>();
        Map<String, Counts> byService = new TreeMap<>();
        Map<String, Counts> byEnvironment = new TreeMap<>();
        Map<String, ReasonCounts> byReason = new TreeMap<>();
        for (Flip flip : flips) {
            byTeam.computeIfAbsent(orNone(flip.deploy().team()), k -> new Counts()).add(flip.kind());
            byService.computeIfAbsent(orNone(flip.deploy().service()), k -> new Counts()).add(flip.kind());
            byEnvironment.computeIfAbsent(orNone(flip.deploy().environment()), k -> new Counts()).add(flip.kind());
            flip.added().forEach(code -> byReason.computeIfAbsent(code, k -> new ReasonCounts()).added++);
            flip.removed().forEach(code -> byReason.computeIfAbsent(code, k -> new ReasonCounts()).removed++);
        }
        return new Result(compared, equal, List.copyOf(flips), List.copyOf(unknown), byTeam, byService, byEnvironment,
                byReason);
    }

    static Kind kind(Outcome was, Outcome now) {
        boolean wasFlagged = Outcome.flagged(was);
        boolean nowFlagged = Outcome.flagged(now);
        if (!wasFlagged && nowFlagged) {
            return Kind.TO_VIOLATION;
        }
        if (wasFlagged && !nowFlagged) {
            return Kind.TO_COMPLIANT;
        }
        if (!Outcome.shown(was).equals(Outcome.shown(now))) {
            return Kind.STATUS;
        }
        if (!Outcome.reasons(was).equals(Outcome.reasons(now))) {
            return Kind.REASONS;
        }
        return null;
    }

    private static String orNone(String s) {
        return s == null ? "(none)" : s;
    }
}
