package dev.oversight.events;

import java.time.Instant;
import java.util.List;

/**
 * A signed statement that chain {@code chain} had {@code seq} records, the last one hashing to {@code head}, at
 * {@code time}; on {@code oversight.checkpoints} (keyed by chain) and in the operator's second place. The signature
 * is Ed25519 over the RFC 8785 canonical JSON of the checkpoint without {@code signature} (ledger/README.md).
 *
 * @param origin         who signed: {@code policy-stream} or {@code rollback-worker}, and its host
 * @param policyVersions the policy versions (content hashes) the writer ran with
 * @param keyId          the first 16 hex digits of the SHA-256 of the signing key's public half (X.509 DER)
 * @param publicKey      the public half, base64 of its X.509 DER encoding: which key to check against a trusted one
 * @param signature      base64 of the 64-byte Ed25519 signature
 */
public record Checkpoint(
        int schema,
        String origin,
        String chain,
        long seq,
        String head,
        Instant time,
        List<String> policyVersions,
        String keyId,
        String publicKey,
        String signature) {

    public static final int SCHEMA = 1;

    public Checkpoint {
        policyVersions = policyVersions == null ? List.of() : List.copyOf(policyVersions);
    }
}
