package dev.oversight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.LedgerLink;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The chain's rules, in one place (ledger/README.md, "The canonical form"):
 * <ol>
 *   <li>a chain is one partition of a topic, named {@code <topic>/<partition>};</li>
 *   <li>its first record has {@code seq} 1 and {@code prevHash} {@link #GENESIS} (64 zeros); each next record has
 *       {@code seq} one more and {@code prevHash} the {@code hash} of the record before it;</li>
 *   <li>{@code hash} is the lower-case hex SHA-256 of the UTF-8 RFC 8785 canonical form of the whole record value
 *       (the JSON object on the topic) with the member {@code hash} of its {@code ledger} object removed.</li>
 * </ol>
 */
public final class Ledger {

    public static final String GENESIS = "0".repeat(64);

    private Ledger() {}

    public static String chainId(String topic, int partition) {
        return topic + "/" + partition;
    }

    /** The partition a chain id names. */
    public static int partitionOf(String chain) {
        int slash = chain.lastIndexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a chain id (<topic>/<partition>): " + chain);
        }
        return Integer.parseInt(chain.substring(slash + 1));
    }

    /** The head of a chain: its last record's seq and hash; {@link #EMPTY} before the first record. */
    public record Head(long seq, String hash) {
        public static final Head EMPTY = new Head(0, GENESIS);

        /** The link of the next record, without its hash yet. */
        public LedgerLink next(String chain) {
            return new LedgerLink(chain, seq + 1, hash, null);
        }
    }

    /**
     * The hash of a record whose {@code ledger} carries its chain, seq and prevHash. Works on the tree it is given:
     * its {@code ledger.hash} is removed.
     */
    public static String hashOf(ObjectNode record) {
        JsonNode ledger = record.get("ledger");
        if (!(ledger instanceof ObjectNode link)) {
            throw new IllegalArgumentException("the record has no ledger object");
        }
        link.remove("hash");
        return sha256Hex(CanonicalJson.bytes(record));
    }

    /**
     * The hash a record (a value of the topics' JSON mapping) has with its link, the link's hash ignored. Written
     * straight in the canonical form ({@link CanonicalWriter}) rather than through a tree: the same bytes, several
     * times cheaper ({@code CanonicalWriterTest} holds the two to the same result).
     */
    public static String hashOf(Object value) {
        return sha256Hex(CanonicalWriter.bytes(value));
    }

    /**
     * The value chained after {@code head}: {@code withLedger} gives the value with a link; the link's hash is computed
     * over the value with the link but no hash.
     */
    public static <T> T link(Function<LedgerLink, T> withLedger, String chain, Head head) {
        LedgerLink next = head.next(chain);
        return withLedger.apply(next.withHash(hashOf(withLedger.apply(next))));
    }

    public static Head headOf(LedgerLink link) {
        return new Head(link.seq(), link.hash());
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    static byte[] sha256(byte[] bytes) {
        return SHA_256.get().digest(bytes);
    }
}
