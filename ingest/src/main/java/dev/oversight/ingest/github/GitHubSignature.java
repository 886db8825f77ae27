package dev.oversight.ingest.github;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}, and the older
 * {@code X-Hub-Signature: sha1=<hex HMAC-SHA1>} GitHub still sends beside it. Several secrets may be valid at once
 * (rotation); comparison is in constant time.
 */
public final class GitHubSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    /** The HMAC-SHA1 signature; ingest does not accept a delivery on it, but keeps it with the raw delivery. */
    public static final String SHA1_HEADER = "X-Hub-Signature";

    /** One of the two signatures: its header, the prefix of its value and its MAC. */
    public enum Algorithm {
        SHA256(HEADER, "sha256=", "HmacSHA256", 64),
        SHA1(SHA1_HEADER, "sha1=", "HmacSHA1", 40);

        private final String header;
        private final String prefix;
        private final String mac;
        private final int hexLength;

        Algorithm(String header, String prefix, String mac, int hexLength) {
            this.header = header;
            this.prefix = prefix;
            this.mac = mac;
            this.hexLength = hexLength;
        }

        public String header() {
            return header;
        }
    }

    private GitHubSignature() {}

    /** The header value GitHub would send for this body and secret. */
    public static String sign(String secret, byte[] body) {
        return Algorithm.SHA256.prefix + HexFormat.of().formatHex(hmac(Algorithm.SHA256,
                secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** Whether the {@code X-Hub-Signature-256} value is a valid signature of the body under any of the secrets. */
    public static boolean verify(byte[] body, String header, List<String> secrets) {
        return verify(Algorithm.SHA256, body, header,
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /**
     * Whether the header's value ({@code sha256=…} or {@code sha1=…}, as the algorithm says) is a valid signature of
     * the body under any of the secrets (their bytes: a secret typed into GitHub is its UTF-8).
     */
    public static boolean verify(Algorithm algorithm, byte[] body, String header, List<byte[]> secrets) {
        if (header == null || !header.startsWith(algorithm.prefix)
                || header.length() != algorithm.prefix.length() + algorithm.hexLength) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(algorithm.prefix.length()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean valid = false;
        for (byte[] secret : secrets) {
            // Every secret is tried, so the time taken does not say which one matched.
            valid |= MessageDigest.isEqual(hmac(algorithm, secret, body), given);
        }
        return valid;
    }

    private static byte[] hmac(Algorithm algorithm, byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm.mac);
            mac.init(new SecretKeySpec(secret, algorithm.mac));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(algorithm.mac + " is not available", e);
        }
    }
}
