package dev.oversight.backfill;

import java.util.List;

/**
 * What was read of one repository (a GitHub repository, a GitLab project): the facts in the order they happened, a
 * line per deploy for people, the counts the progress line gives, and what the source no longer has.
 *
 * @param changes pull requests or merge requests merged
 * @param reviews their reviews or approvals
 * @param checks  check runs and statuses, or pipelines, of the deployed commits
 */
public record History(String repository, List<Fact> facts, List<String> deploys, int changes, int reviews,
                      int checks, List<String> unavailable) {}
