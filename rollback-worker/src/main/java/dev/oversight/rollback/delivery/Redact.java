package dev.oversight.rollback.delivery;

import java.net.URI;

/** URLs as they may be recorded and logged: never with credentials in them. */
public final class Redact {

    private Redact() {}

    /** Scheme, host, port and path: user info and query (where tokens hide) are dropped. */
    public static String url(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Scheme and host only, for URLs that are themselves the secret (a Slack incoming webhook). */
    public static String secretUrl(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/…";
    }
}
