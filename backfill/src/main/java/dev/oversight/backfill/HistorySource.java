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

    /**
     * The changes (pull or merge requests) merged from {@code lower} (included) to {@code until} (excluded), by
     * {@code merged_at}, read from a list sorted by last update, newest first: its pages are read until they reach
     * changes last updated before {@code lower} (a change merged since was updated since).
     */
    static java.util.List<com.fasterxml.jackson.databind.JsonNode> mergedBetween(
            dev.oversight.backfill.http.RestClient api, java.net.URI list, java.time.Instant lower,
            java.time.Instant until) throws IOException, InterruptedException {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> merged = new java.util.ArrayList<>();
        api.pages(list, page -> {
            boolean more = page.size() > 0;
            for (com.fasterxml.jackson.databind.JsonNode change : page) {
                java.time.Instant mergedAt = instant(change, "merged_at");
                if (mergedAt != null && !mergedAt.isBefore(lower) && mergedAt.isBefore(until)) {
                    merged.add(change);
                }
                java.time.Instant updated = instant(change, "updated_at");
                if (updated != null && updated.isBefore(lower)) {
                    more = false;
                }
            }
            return more;
        });
        return merged;
    }

    /** Commits that reached a branch together, on top of {@code before}, oldest first. */
    record Segment(String before, java.util.List<com.fasterxml.jackson.databind.JsonNode> commits) {}

    /**
     * The compare API's commits (oldest first) cut into the pushes that brought them: a push ends at each commit
     * {@code endsAt} names; the commits after the last such end, up to the deployed commit, are a push of their own.
     */
    static java.util.List<Segment> segments(String base, java.util.List<com.fasterxml.jackson.databind.JsonNode> commits,
                                            java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, String> shaOf,
                                            java.util.function.Predicate<String> endsAt) {
        java.util.List<Segment> segments = new java.util.ArrayList<>();
        String before = base;
        java.util.List<com.fasterxml.jackson.databind.JsonNode> segment = new java.util.ArrayList<>();
        for (int i = 0; i < commits.size(); i++) {
            segment.add(commits.get(i));
            String sha = shaOf.apply(commits.get(i));
            if (endsAt.test(sha) || i == commits.size() - 1) {
                segments.add(new Segment(before, segment));
                before = sha;
                segment = new java.util.ArrayList<>();
            }
        }
        return segments;
    }

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
