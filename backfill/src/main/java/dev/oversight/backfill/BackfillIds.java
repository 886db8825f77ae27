package dev.oversight.backfill;

/**
 * The delivery id of a backfilled fact: {@code backfill:<repository>:<the fact's kind and its id in the source>}, e.g.
 * {@code backfill:acme/payments:pull_request_review:80}. The same fact read again has the same id; two repositories
 * never share one (forks share commits, and so pushes).
 */
public final class BackfillIds {

    public static final String PREFIX = "backfill:";

    private BackfillIds() {}

    /** @param repo the repository as the facts' bodies carry it ({@code full_name}) */
    public static String of(com.fasterxml.jackson.databind.JsonNode repo, String fact) {
        return of(repo.path("full_name").asText(), fact);
    }

    /** @param repository the repository's full path ({@code owner/name}, GitLab's {@code group/sub/project}) */
    public static String of(String repository, String fact) {
        return PREFIX + repository + ":" + fact;
    }
}
