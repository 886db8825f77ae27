package dev.oversight.report.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may read the report. With {@code OVERSIGHT_REPORT_TOKEN} set: a request that carries it as a bearer token, or
 * the cookie the login form sets once the token was typed into it. The cookie holds an HMAC of a fixed text keyed
 * with the token, never the token itself: it is HttpOnly, SameSite=Strict, and stops working when the token changes.
 * Without a token: requests from loopback only.
 *
 * <p>The rules, in order: (1) no token configured: loopback is let in, anyone else refused (403); (2) a bearer token
 * equal to the configured one lets in; (3) the session cookie matching it lets in; (4) anything else must log in
 * (401). Comparisons take the same time whatever the input.
 */
public final class Access {

    public static final String COOKIE = "oversight_report";

    /** What to do with a request. */
    public enum Decision { LET_IN, LOG_IN, FORBIDDEN }

    private final Optional<String> token;
    private final String session;

    public Access(Optional<String> token) {
        this.token = token;
        this.session = token.map(Access::sessionOf).orElse(null);
    }

    public boolean tokenProtected() {
        return token.isPresent();
    }

    public Decision decide(HttpServerRequest request) {
        Cookie cookie = request.getCookie(COOKIE);
        return decide(request.remoteAddress(), request.getHeader("Authorization"),
                cookie == null ? null : cookie.getValue());
    }

    Decision decide(SocketAddress remote, String authorization, String cookie) {
        if (token.isEmpty()) {
            return loopback(remote) ? Decision.LET_IN : Decision.FORBIDDEN;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && same(authorization.substring(7).strip(), token.get())) {
            return Decision.LET_IN;
        }
        if (cookie != null && same(cookie, session)) {
            return Decision.LET_IN;
        }
        return Decision.LOG_IN;
    }

    /** Whether a token typed into the login form is the configured one. */
    public boolean accepts(String typed) {
        return token.isPresent() && typed != null && same(typed.strip(), token.get());
    }

    /** The cookie that the login form sets when the token was right. */
    public Cookie sessionCookie(boolean secure) {
        return Cookie.cookie(COOKIE, session).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }

    /** A cookie that removes the session (log out). */
    public static Cookie expiredCookie() {
        return Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true).setMaxAge(0).setSameSite(CookieSameSite.STRICT);
    }

    static boolean loopback(SocketAddress remote) {
        if (remote == null || remote.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String sessionOf(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("oversight report session v1".getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
