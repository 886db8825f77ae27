package dev.oversight.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oversight.events.Checkpoint;
import dev.oversight.events.json.Json;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Signing and checking checkpoints: the signature is Ed25519 over the UTF-8 RFC 8785 canonical form of the checkpoint
 * object without its {@code signature} member.
 */
public final class Checkpoints {

    /** What checking a checkpoint found. */
    public enum Check { VALID, BAD_SIGNATURE, UNTRUSTED_KEY, MALFORMED }

    private Checkpoints() {}

    public static Checkpoint sign(LedgerKey key, String origin, String chain, long seq, String head, Instant time,
                                  List<String> policyVersions) {
        Checkpoint unsigned = new Checkpoint(Checkpoint.SCHEMA, origin, chain, seq, head, time, policyVersions,
                key.keyId(), key.publicKeyBase64(), null);
        ObjectNode tree = Json.mapper().valueToTree(unsigned);
        tree.remove("signature");
        byte[] signature = key.sign(CanonicalJson.bytes(tree));
        return new Checkpoint(Checkpoint.SCHEMA, origin, chain, seq, head, time, policyVersions, key.keyId(),
                key.publicKeyBase64(), Base64.getEncoder().encodeToString(signature));
    }

    /**
     * Checks a checkpoint as read (its JSON tree) against the trusted keys, by key id. The tree is not changed.
     */
    public static Check check(JsonNode checkpoint, Map<String, PublicKey> trusted) {
        if (!(checkpoint instanceof ObjectNode object) || !object.path("signature").isTextual()
                || !object.path("keyId").isTextual() || !object.path("chain").isTextual()
                || !object.path("head").isTextual() || !object.path("seq").canConvertToLong()) {
            return Check.MALFORMED;
        }
        PublicKey key = trusted.get(object.get("keyId").textValue());
        if (key == null) {
            return Check.UNTRUSTED_KEY;
        }
        ObjectNode signed = object.deepCopy();
        signed.remove("signature");
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(object.get("signature").textValue());
        } catch (IllegalArgumentException e) {
            return Check.BAD_SIGNATURE;
        }
        return LedgerKey.verify(key, CanonicalJson.bytes(signed), signature) ? Check.VALID : Check.BAD_SIGNATURE;
    }
}
