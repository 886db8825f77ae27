package dev.oversight.events;

/**
 * Why a deploy is not compliant. The table in policy-stream/README.md ("Reason codes") is the contract; the order here
 * is the order of that table.
 */
public enum ReasonCode {
    NO_APPROVAL("a change in the deploy has fewer approvals than policy asks, not counting its author"),
    SELF_APPROVAL("the only approvals come from the change's author"),
    APPROVAL_DISMISSED("an approval was dismissed or withdrawn and not replaced"),
    STALE_APPROVAL("approvals were given on an earlier head; commits came after them"),
    BOT_APPROVAL("an approval came from a bot account and does not count"),
    MISSING_OWNER_APPROVAL("policy requires approval from a group and none came"),
    CI_FAILED("a required check's latest result on the deployed commit is not success"),
    CI_MISSING("a required check never reported on the deployed commit"),
    DIRECT_PUSH("a commit reached the deployed branch without a reviewed change"),
    UNKNOWN_CHANGE("the deployed commit cannot be tied to any change or push Oversight has seen"),
    EVIDENCE_UNAVAILABLE("evidence the deploy is judged on is no longer kept by its source (history read by a backfill: "
            + "a review's commit gone, checks past their retention); shown as unavailable, never counted as a pass"),
    FREEZE_WINDOW("deployed inside a change freeze"),
    BREAK_GLASS("an emergency deploy declared under policy"),
    BREAK_GLASS_EXPIRED("the review after the fact of an emergency deploy did not arrive by its deadline"),
    BASELINE("the first deploy Oversight saw of the service there, of a commit older than anything Oversight saw: "
            + "recorded as the starting point, not judged");

    private final String meaning;

    ReasonCode(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
