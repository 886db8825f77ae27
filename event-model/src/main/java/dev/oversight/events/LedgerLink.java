package dev.oversight.events;

/**
 * A record's place in its chain (the tamper-evident ledger; ledger/README.md says exactly how it is computed).
 *
 * @param chain    the chain: {@code <topic>/<partition>}, e.g. {@code oversight.verdicts/2}; one chain per partition,
 *                 written by one writer at a time
 * @param seq      1 for the first record of the chain, one more for each record after it
 * @param prevHash the {@code hash} of the record before it; for {@code seq} 1, 64 zeros
 * @param hash     lower-case hex SHA-256 of the record's RFC 8785 canonical JSON with {@code ledger.hash} removed
 */
public record LedgerLink(String chain, long seq, String prevHash, String hash) {

    public LedgerLink withHash(String hash) {
        return new LedgerLink(chain, seq, prevHash, hash);
    }
}
