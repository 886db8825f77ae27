package dev.oversight.ingest.http;

import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/** Shared-secret tokens (GitLab's {@code X-Gitlab-Token}, the bearer token of /events and Jenkins). */
public final class Tokens {

    private Tokens() {}

    /**
     * Whether the presented token is one of the configured ones. Both sides are hashed first and every configured
     * token is compared, so the time taken says neither where they differ, nor how long they are, nor which matched.
     */
    public static boolean matches(String presented, List<String> configured) {
        if (presented == null) {
            return false;
        }
        byte[] given = sha256(presented);
        boolean match = false;
        for (String token : configured) {
            match |= MessageDigest.isEqual(given, sha256(token));
        }
        return match;
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return value.substring(7).trim();
        }
        return null;
    }

    /**
     * Checks a bearer token (or, where {@code queryParameter} is not null, that query parameter).
     *
     * @param configKey the configuration key that sets the tokens, named in the answer when none is set
     * @throws Rejection 401 when no token is configured, none is presented, or it is wrong
     */
    public static void requireBearer(HttpServerRequest request, List<String> configured, String queryParameter,
                                     String configKey) {
        if (configured.isEmpty()) {
            throw Rejection.unauthorized("token", "requests cannot be verified: no token is configured on this "
                    + "Oversight (" + configKey + ")");
        }
        String presented = bearer(request);
        if (presented == null && queryParameter != null) {
            presented = request.getParam(queryParameter);
        }
        if (presented == null || presented.isEmpty()) {
            throw Rejection.unauthorized("token", "missing token: send Authorization: Bearer <token>"
                    + (queryParameter == null ? "" : " or ?" + queryParameter + "=<token>"));
        }
        if (!matches(presented, configured)) {
            throw Rejection.unauthorized("token", "the token does not match any configured token");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
