package dev.oversight.events;

import java.time.Instant;

/**
 * The last compliant, successful deploy of a service to an environment: the target of a rollback. On the
 * compacted topic {@code oversight.last-good}, keyed by {@link #key(String, String) service/environment}.
 */
public record LastGood(
        int schema,
        String service,
        String environment,
        String repository,
        String deployId,
        String verdictId,
        String sha,
        Instant deployedAt) {

    public static final int SCHEMA = 1;

    public static String key(String service, String environment) {
        return service + "/" + environment;
    }
}
