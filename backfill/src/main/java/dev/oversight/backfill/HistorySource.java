package dev.oversight.backfill;

import java.io.IOException;

/** A source's API read for backfilling: GitHub's, GitLab's. */
public interface HistorySource {

    /**
     * How the source names what is counted, for the lines printed.
     *
     * @param missing how a line about what could not be imported starts
     */
    record Words(String missing, String changes, String reviews, String checks) {
        public static final Words GITHUB = new Words("no longer on GitHub", "pull requests", "reviews", "checks");
        public static final Words GITLAB = new Words("not known from GitLab", "merge requests", "approvals",
                "pipelines");
    }

    Words words();

    /** Every repository of an organisation (GitHub) or group with its subgroups (GitLab), by full path. */
    java.util.List<String> repositories(String organization) throws IOException, InterruptedException;

    History read(String repository, Period period, Progress progress) throws IOException, InterruptedException;

    /** A time field of an API answer (ISO-8601, with an offset or Z), or null without one. */
    static java.time.Instant instant(com.fasterxml.jackson.databind.JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        try {
            return java.time.Instant.parse(node.get(field).asText());
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(node.get(field).asText()).toInstant();
        }
    }

    /** Keeps a fact once (by its delivery id); one without a time cannot be placed among the others and is left out. */
    static void add(java.util.Map<String, Fact> facts, Fact fact) {
        if (fact.occurredAt() != null) {
            facts.putIfAbsent(fact.deliveryId(), fact);
        }
    }
}
