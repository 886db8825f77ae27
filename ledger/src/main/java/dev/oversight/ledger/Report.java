package dev.oversight.ledger;

import dev.oversight.events.json.Json;
import java.util.List;

/**
 * What a verification found: {@code ok} only when there is no problem. Notes say what holds with a qualification (a
 * chain verified from a checkpoint because its beginning is gone; records not yet checkpointed on live topics).
 */
public record Report(boolean ok, int records, int checkpoints, List<Chain> chains, List<Problem> problems,
                     List<String> notes) {

    public enum Kind {
        UNREADABLE, UNCHAINED, CHANGED, REORDERED, GAP, FORK, BROKEN_LINK, TRUNCATED, CHECKPOINT_MISMATCH,
        BAD_SIGNATURE, UNTRUSTED_KEY, UNVOUCHED, MANIFEST_MISMATCH,
        /** An audit package's population row that the ledger's record of the same verdict does not bear out. */
        POPULATION_MISMATCH,
        /** A deploy in an audit package's scope that the ledger holds and its population leaves out. */
        POPULATION_INCOMPLETE
    }

    /** @param seq where the chain breaks (null where the problem is not of one record) */
    public record Problem(Kind kind, String chain, Long seq, String where, String detail) {
        @Override
        public String toString() {
            return kind + (chain == null ? "" : " " + chain + (seq == null ? "" : " seq " + seq)) + " at " + where
                    + ": " + detail;
        }
    }

    /**
     * @param vouchedTo   the last seq a valid checkpoint vouches for (0: none)
     * @param firstBroken the first seq where something does not hold (null: none)
     */
    public record Chain(String chain, int records, int redacted, long firstSeq, long lastSeq, long vouchedTo,
                        Long firstBroken) {}

    public Report withProblems(List<Problem> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Problem> all = new java.util.ArrayList<>(more);
        all.addAll(problems);
        return new Report(false, records, checkpoints, chains, all, notes);
    }

    /** One line: what was checked and whether it holds, or the first problem. */
    public String summary() {
        String checked = records + " records in " + chains.size() + " chains, " + checkpoints + " checkpoints";
        if (ok) {
            return "verified: " + checked + "; every hash, link and checkpoint holds";
        }
        return "NOT VERIFIED: " + problems.size() + " problem(s) in " + checked + "; first: " + problems.get(0);
    }

    public String toJson() {
        return Json.toPrettyString(this);
    }
}
