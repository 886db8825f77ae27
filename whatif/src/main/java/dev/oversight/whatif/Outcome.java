package dev.oversight.whatif;

import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What became of one deploy, from every verdict it was given: its latest status, whether it was ever a VIOLATION
 * (a REMEDIATED deploy was), and the reason codes of its final verdicts (a PENDING verdict's reasons are provisional:
 * evidence still to come may take them away).
 *
 * @param last the verdict of the highest revision (the one that is the deploy's state now)
 */
public record Outcome(VerdictStatus status, boolean flagged, SortedSet<String> reasons, Verdict last) {

    public Outcome {
        reasons = Collections.unmodifiableSortedSet(new TreeSet<>(reasons));
    }

    /** The status as the report shows it; {@code NONE} for a deploy that got no verdict (not protected). */
    static String shown(Outcome outcome) {
        return outcome == null ? "NONE" : outcome.status().name();
    }

    static boolean flagged(Outcome outcome) {
        return outcome != null && outcome.flagged();
    }

    static SortedSet<String> reasons(Outcome outcome) {
        return outcome == null ? Collections.emptySortedSet() : outcome.reasons();
    }

    /** Folds verdicts, in the order they were written, into one outcome per deploy. */
    public static final class Collector {

        private final Map<String, Outcome> byDeploy = new HashMap<>();

        public void add(Verdict verdict) {
            if (verdict == null || verdict.deployId() == null || verdict.status() == null) {
                return;
            }
            Outcome before = byDeploy.get(verdict.deployId());
            SortedSet<String> reasons = new TreeSet<>(reasons(before));
            if (verdict.status().isFinal()) {
                verdict.reasons().forEach(r -> reasons.add(r.code().name()));
            }
            boolean flagged = flagged(before) || verdict.status() == VerdictStatus.VIOLATION;
            // A verdict written again (a replay of policy-stream after a crash) has the revision of one already seen.
            Verdict last = before == null || verdict.revision() >= before.last().revision() ? verdict : before.last();
            byDeploy.put(verdict.deployId(), new Outcome(last.status(), flagged, reasons, last));
        }

        public Map<String, Outcome> outcomes() {
            return Collections.unmodifiableMap(byDeploy);
        }
    }
}
