package dev.oversight.bench;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.Verdict;
import dev.oversight.events.VerdictStatus;
import dev.oversight.events.json.Json;
import dev.oversight.ledger.Ledger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What chaining adds to writing one verdict, in the stream thread: the verdict as the sink serializes it (what
 * policy-stream did before the ledger), against the link computed (tree, RFC 8785 canonical form, SHA-256) and then
 * serialized. The store write of the head is not in it (one small key-value put per verdict). Prints microseconds per
 * verdict, best of five rounds of {@code --verdicts} each.
 */
public final class LedgerCost {

    private LedgerCost() {}

    static Verdict verdict(int i) {
        List<Verdict.ChangeSummary> changes = new ArrayList<>();
        List<Verdict.CheckSummary> checks = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            changes.add(new Verdict.ChangeSummary("github:acme/payments#" + (i * 3 + c), "Change number " + c,
                    "https://github.com/acme/payments/pull/" + (i * 3 + c), "alice", List.of("bob"),
                    Ledger.sha256Hex(("h" + i + c).getBytes()).substring(0, 40),
                    Ledger.sha256Hex(("m" + i + c).getBytes()).substring(0, 40)));
            checks.add(new Verdict.CheckSummary("build-" + c, "success",
                    Ledger.sha256Hex(("m" + i).getBytes()).substring(0, 40), "https://ci.example/" + i + "/" + c));
        }
        for (int e = 0; e < 12; e++) {
            evidence.add(java.util.UUID.nameUUIDFromBytes((i + ":" + e).getBytes()).toString());
        }
        Instant now = Instant.parse("2026-12-02T01:00:00.123456Z").plusMillis(i);
        return new Verdict(Verdict.SCHEMA, "github:acme/payments/deployments/" + i + "@1", 1,
                "github:acme/payments/deployments/" + i, "github:acme/payments", "payments", "production",
                Ledger.sha256Hex(("m" + i).getBytes()).substring(0, 40), null, VerdictStatus.VIOLATION,
                List.of(new Verdict.Reason(ReasonCode.SELF_APPROVAL, "change #42 was approved only by its author")),
                changes, checks, new Verdict.PolicyRef("acme", "sha256:" + Ledger.sha256Hex(new byte[1])), now, now,
                "carol", "payments", "https://github.com/acme/payments/deployments/" + i, null, evidence,
                new Verdict.Decision(true, "alert", false));
    }

    public static void main(String[] args) {
        int n = args.length > 1 && args[0].equals("--verdicts") ? Integer.parseInt(args[1]) : 100_000;
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            verdicts.add(verdict(i));
        }
        long sink = 0;
        double plain = Double.MAX_VALUE;
        double chained = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (Verdict v : verdicts) {
                sink += Json.toBytes(v).length;
            }
            plain = Math.min(plain, (System.nanoTime() - start) / 1e3 / n);
            start = System.nanoTime();
            Ledger.Head head = Ledger.Head.EMPTY;
            for (Verdict v : verdicts) {
                Verdict linked = Ledger.link(v::withLedger, "oversight.verdicts/0", head);
                head = Ledger.headOf(linked.ledger());
                sink += Json.toBytes(linked).length;
            }
            chained = Math.min(chained, (System.nanoTime() - start) / 1e3 / n);
        }
        System.out.printf("verdict serialized: %.1f µs; chained and serialized: %.1f µs; the ledger adds %.1f µs per"
                + " verdict (%d bytes written in all)%n", plain, chained, chained - plain, sink);
    }
}
