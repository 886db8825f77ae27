package dev.oversight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.json.Json;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks chains of records and the checkpoints that vouch for them. Rules, in order, per chain:
 * <ol>
 *   <li>every record has a ledger link, and its {@code hash} is what its content hashes to (else CHANGED; a record
 *       reduced to its link alone, left out of a filtered export, is taken at its word: the links around it check it);</li>
 *   <li>records come in seq order (else REORDERED, and the rest is checked in seq order);</li>
 *   <li>no seq is missing between the first and the last (else GAP: records deleted); none appears twice with
 *       different hashes (FORK);</li>
 *   <li>each record's {@code prevHash} is the hash of the one before it, and the first record of a chain that starts at
 *       seq 1 has the genesis prevHash (else BROKEN_LINK);</li>
 *   <li>every checkpoint is signed by a trusted key (else UNTRUSTED_KEY or BAD_SIGNATURE), and names, for a seq in the
 *       chain, the hash the record there has (else CHECKPOINT_MISMATCH); a checkpoint past the chain's last record
 *       means records at its end were deleted (TRUNCATED);</li>
 *   <li>every record is vouched for by a valid checkpoint at or after it (else UNVOUCHED: appended after the last
 *       checkpoint — a failure in a bundle, only a note on live topics, whose newest records wait for the next one).</li>
 * </ol>
 * A chain that does not start at seq 1 (its beginning removed by retention, or before the exported period) is
 * verified from the earliest valid checkpoint that covers it; that is said in a note, not a failure.
 */
public final class Verifier {

    /** A record or checkpoint as read, and where it was read (file and line, or topic, partition and offset). */
    public record Entry(String where, byte[] value) {}

    private final Map<String, PublicKey> trusted = new HashMap<>();
    private final boolean live;

    /**
     * @param trusted the public keys whose checkpoints count
     * @param live    checking live topics: records newer than the last checkpoint are noted, not failed
     */
    public Verifier(List<PublicKey> trusted, boolean live) {
        trusted.forEach(k -> this.trusted.put(LedgerKey.keyId(k), k));
        this.live = live;
    }

    private record Link(String where, String chain, long seq, String prevHash, String hash, boolean redacted) {}

    private record Vouch(String where, long seq, String head) {}

    /**
     * @param records     the records, of any chains, each chain's in the order stored
     * @param checkpoints the checkpoints, of any chains
     */
    public Report verify(List<Entry> records, List<Entry> checkpoints) {
        List<Report.Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, List<Link>> chains = new TreeMap<>();
        int unchained = 0;
        for (Entry entry : records) {
            JsonNode tree = parse(entry, problems, null);
            if (tree == null) {
                continue;
            }
            JsonNode ledger = tree.get("ledger");
            if (!(ledger instanceof ObjectNode link) || !link.path("chain").isTextual() || !link.path("seq").canConvertToLong()
                    || !link.path("hash").isTextual() || !link.path("prevHash").isTextual()) {
                unchained++;
                if (!live) {
                    problems.add(new Report.Problem(Report.Kind.UNCHAINED, null, null, entry.where(),
                            "a record without a ledger link: nothing vouches for it"));
                }
                continue;
            }
            String chain = link.get("chain").textValue();
            long seq = link.get("seq").asLong();
            String stated = link.get("hash").textValue();
            boolean redacted = tree.size() == 1;
            if (!redacted) {
                String actual = Ledger.hashOf((ObjectNode) tree);
                if (!actual.equals(stated)) {
                    problems.add(new Report.Problem(Report.Kind.CHANGED, chain, seq, entry.where(),
                            "the record was changed after it was chained: its content hashes to " + actual
                                    + ", its link says " + stated));
                }
            }
            chains.computeIfAbsent(chain, c -> new ArrayList<>())
                    .add(new Link(entry.where(), chain, seq, link.get("prevHash").textValue(), stated, redacted));
        }
        if (unchained > 0 && live) {
            notes.add(unchained + " record(s) carry no ledger link (written before the ledger): not verified");
        }
        Map<String, List<Vouch>> vouches = checkpoints(checkpoints, problems);
        List<Report.Chain> reports = new ArrayList<>();
        Set<String> all = new HashSet<>(chains.keySet());
        all.addAll(vouches.keySet());
        for (String chain : all.stream().sorted().toList()) {
            reports.add(chain(chain, chains.getOrDefault(chain, List.of()), vouches.getOrDefault(chain, List.of()),
                    problems, notes));
        }
        return new Report(problems.isEmpty(), records.size(), checkpoints.size(), reports, problems, notes);
    }

    private static JsonNode parse(Entry entry, List<Report.Problem> problems, String chain) {
        try {
            JsonNode tree = Json.mapper().readTree(entry.value());
            if (tree instanceof ObjectNode) {
                return tree;
            }
        } catch (IOException e) {
            // reported below
        }
        problems.add(new Report.Problem(Report.Kind.UNREADABLE, chain, null, entry.where(), "not a JSON object"));
        return null;
    }

    private Map<String, List<Vouch>> checkpoints(List<Entry> checkpoints, List<Report.Problem> problems) {
        Map<String, List<Vouch>> vouches = new LinkedHashMap<>();
        Map<String, Vouch> bySeq = new HashMap<>();
        for (Entry entry : checkpoints) {
            JsonNode tree = parse(entry, problems, null);
            if (tree == null) {
                continue;
            }
            Checkpoints.Check check = Checkpoints.check(tree, trusted);
            String chain = tree.path("chain").asText(null);
            Long seq = tree.path("seq").canConvertToLong() ? tree.path("seq").asLong() : null;
            switch (check) {
                case MALFORMED -> problems.add(new Report.Problem(Report.Kind.UNREADABLE, chain, seq, entry.where(),
                        "not a checkpoint"));
                case UNTRUSTED_KEY -> problems.add(new Report.Problem(Report.Kind.UNTRUSTED_KEY, chain, seq,
                        entry.where(), "the checkpoint is signed by key " + tree.path("keyId").asText()
                        + ", which is not a trusted key"));
                case BAD_SIGNATURE -> problems.add(new Report.Problem(Report.Kind.BAD_SIGNATURE, chain, seq,
                        entry.where(), "the checkpoint's signature does not verify with key "
                        + tree.path("keyId").asText()));
                case VALID -> {
                    Vouch vouch = new Vouch(entry.where(), seq, tree.get("head").textValue());
                    Vouch other = bySeq.putIfAbsent(chain + "#" + seq, vouch);
                    if (other != null && !other.head().equals(vouch.head())) {
                        problems.add(new Report.Problem(Report.Kind.FORK, chain, seq, entry.where(),
                                "two signed checkpoints name different heads for this seq (the other: "
                                        + other.where() + ")"));
                    }
                    vouches.computeIfAbsent(chain, c -> new ArrayList<>()).add(vouch);
                }
            }
        }
        return vouches;
    }

    private Report.Chain chain(String chain, List<Link> stored, List<Vouch> vouches, List<Report.Problem> problems,
                               List<String> notes) {
        int before = problems.size();
        List<Link> links = new ArrayList<>(stored);
        for (int i = 1; i < stored.size(); i++) {
            if (stored.get(i).seq() < stored.get(i - 1).seq()) {
                Link out = stored.get(i);
                problems.add(new Report.Problem(Report.Kind.REORDERED, chain, out.seq(), out.where(),
                        "seq " + out.seq() + " is stored after seq " + stored.get(i - 1).seq()));
                links.sort(Comparator.comparingLong(Link::seq));
                break;
            }
        }
        Map<Long, Link> bySeq = new HashMap<>();
        Link previous = null;
        int redacted = 0;
        for (Link link : links) {
            if (link.redacted()) {
                redacted++;
            }
            if (previous == null) {
                if (link.seq() == 1 && !link.prevHash().equals(Ledger.GENESIS)) {
                    problems.add(new Report.Problem(Report.Kind.BROKEN_LINK, chain, 1L, link.where(),
                            "the first record of the chain does not have the genesis prevHash"));
                }
            } else if (link.seq() == previous.seq()) {
                if (!link.hash().equals(previous.hash())) {
                    problems.add(new Report.Problem(Report.Kind.FORK, chain, link.seq(), link.where(),
                            "two different records with seq " + link.seq() + " (the other: " + previous.where() + ")"));
                }
                continue;
            } else if (link.seq() > previous.seq() + 1) {
                problems.add(new Report.Problem(Report.Kind.GAP, chain, previous.seq() + 1, link.where(),
                        (link.seq() - previous.seq() - 1 == 1 ? "seq " + (previous.seq() + 1)
                                : "seq " + (previous.seq() + 1) + " to " + (link.seq() - 1))
                                + " missing: deleted records"));
            } else if (!link.prevHash().equals(previous.hash())) {
                problems.add(new Report.Problem(Report.Kind.BROKEN_LINK, chain, link.seq(), link.where(),
                        "its prevHash is not the hash of seq " + previous.seq()));
            }
            bySeq.put(link.seq(), link);
            previous = link;
        }
        long first = links.isEmpty() ? 0 : links.get(0).seq();
        long last = links.isEmpty() ? 0 : links.get(links.size() - 1).seq();
        long vouchedTo = 0;
        Long earliest = null;
        for (Vouch vouch : vouches) {
            if (vouch.seq() > last) {
                problems.add(new Report.Problem(Report.Kind.TRUNCATED, chain, last + 1, vouch.where(),
                        "a signed checkpoint vouches for seq " + vouch.seq() + " but the chain ends at seq " + last
                                + ": records at its end were deleted"));
                continue;
            }
            Link at = bySeq.get(vouch.seq());
            if (at == null) {
                continue; // before what is here, or in a gap already reported
            }
            if (!at.hash().equals(vouch.head())) {
                problems.add(new Report.Problem(Report.Kind.CHECKPOINT_MISMATCH, chain, vouch.seq(), at.where(),
                        "the signed checkpoint (" + vouch.where() + ") names head " + vouch.head()
                                + ", the record there hashes to " + at.hash()));
                continue;
            }
            vouchedTo = Math.max(vouchedTo, vouch.seq());
            earliest = earliest == null ? vouch.seq() : Math.min(earliest, vouch.seq());
        }
        if (!links.isEmpty() && vouchedTo < last) {
            String what = "seq " + (vouchedTo < first ? first : vouchedTo + 1) + " to " + last
                    + " are not vouched for by any signed checkpoint";
            if (live) {
                notes.add(chain + ": " + what + " yet (written since the last checkpoint)");
            } else {
                problems.add(new Report.Problem(Report.Kind.UNVOUCHED, chain, vouchedTo < first ? first : vouchedTo + 1,
                        bySeq.get(last).where(), what + ": appended after the last checkpoint"));
            }
        }
        if (first > 1 && earliest != null) {
            notes.add(chain + ": begins at seq " + first + " (earlier records are not here: removed by retention, or"
                    + " before the period); verified from the checkpoint at seq " + earliest
                    + ", the earliest that covers what is here");
        }
        Long firstBroken = problems.subList(before, problems.size()).stream()
                .filter(p -> chain.equals(p.chain()) && p.seq() != null).map(Report.Problem::seq)
                .min(Long::compare).orElse(null);
        for (Report.Problem p : problems) {
            if (chain.equals(p.chain()) && p.seq() != null && (firstBroken == null || p.seq() < firstBroken)
                    && (p.kind() == Report.Kind.CHANGED || p.kind() == Report.Kind.BAD_SIGNATURE
                    || p.kind() == Report.Kind.UNTRUSTED_KEY || p.kind() == Report.Kind.FORK)) {
                firstBroken = p.seq();
            }
        }
        return new Report.Chain(chain, links.size(), redacted, first, last, vouchedTo, firstBroken);
    }
}
