package dev.oversight.policy.topology;

import dev.oversight.events.Actor;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Normalized evidence for topology tests, as ingest writes it for a GitHub repository. */
final class EvidenceScript {

    final String repository;

    EvidenceScript(String fullName) {
        this.repository = "github:" + fullName;
    }

    String changeId(long number) {
        return repository + "#" + number;
    }

    String deployId(long id) {
        return repository + "/deployments/" + id;
    }

    static String sha(String seed) {
        StringBuilder hex = new StringBuilder();
        for (byte b : seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hex.append(String.format("%02x", b));
        }
        while (hex.length() < 40) {
            hex.append('0');
        }
        return hex.substring(0, 40);
    }

    private static String delivery() {
        return UUID.randomUUID().toString();
    }

    ChangeEvent change(ChangeAction action, long number, String author, String head, String mergeSha, Instant at,
                       String... labels) {
        return new ChangeEvent(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, action, changeId(number),
                number, "Change " + number, "https://github.com/x/pull/" + number, Actor.human(author),
                Actor.human(author), head, null, "change-" + number, "main", mergeSha,
                mergeSha == null ? null : Actor.human("merger"), List.of(labels));
    }

    ChangeEvent opened(long number, String author, String head, Instant at, String... labels) {
        return change(ChangeAction.OPENED, number, author, head, null, at, labels);
    }

    ChangeEvent updated(long number, String author, String head, Instant at) {
        return change(ChangeAction.UPDATED, number, author, head, null, at);
    }

    ChangeEvent merged(long number, String author, String head, String mergeSha, Instant at, String... labels) {
        return change(ChangeAction.MERGED, number, author, head, mergeSha, at, labels);
    }

    ReviewEvent review(long number, String author, String reviewer, ReviewState state, String commit, Instant at) {
        return review(number, author, new Actor(reviewer, reviewer.endsWith("[bot]")), state, commit, at,
                "r-" + reviewer + "-" + number);
    }

    ReviewEvent review(long number, String author, Actor reviewer, ReviewState state, String commit, Instant at,
                       String reviewId) {
        return new ReviewEvent(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, changeId(number), number,
                reviewId, reviewer, state, commit, Actor.human(author), null);
    }

    ReviewEvent approved(long number, String author, String reviewer, String commit, Instant at) {
        return review(number, author, reviewer, ReviewState.APPROVED, commit, at);
    }

    CiResult check(String sha, String name, CiResult.CiConclusion conclusion, Instant at) {
        return check(sha, name, conclusion, 1, at);
    }

    CiResult check(String sha, String name, CiResult.CiConclusion conclusion, int attempt, Instant at) {
        return new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, sha, name,
                CiResult.CiSystem.CHECK_RUN, name + "-run", attempt, CiResult.CiStatus.COMPLETED, conclusion, "main",
                null);
    }

    /** What a backfill writes when the source no longer keeps any check of the commit (past its retention). */
    CiResult checksUnavailable(String sha, Instant at) {
        return new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, sha, CiResult.EVERY_CHECK,
                CiResult.CiSystem.CHECK_RUN, null, 1, CiResult.CiStatus.COMPLETED, CiResult.CiConclusion.UNAVAILABLE,
                null, null);
    }

    CiResult running(String sha, String name, Instant at) {
        return new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, sha, name,
                CiResult.CiSystem.CHECK_RUN, name + "-run", 1, CiResult.CiStatus.IN_PROGRESS, null, "main", null);
    }

    PushEvent push(String branch, String before, String after, String pusher, Instant at, List<String> commits,
                   List<String> files) {
        List<PushEvent.PushedCommit> pushed = commits.stream()
                .map(c -> new PushEvent.PushedCommit(c, pusher, "commit " + c.substring(0, 7), List.of(), files,
                        List.of()))
                .toList();
        return new PushEvent(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, branch, before, after, false,
                false, false, Actor.human(pusher), pushed);
    }

    DeployEvent deployed(long id, String sha, String environment, Instant at, String... flags) {
        return deploy(id, sha, environment, null, DeployEvent.DeployState.SUCCEEDED, at, flags);
    }

    DeployEvent deploy(long id, String sha, String environment, String service, DeployEvent.DeployState state,
                       Instant at, String... flags) {
        return new DeployEvent(Evidence.SCHEMA, Source.GITHUB, repository, delivery(), at, deployId(id), environment,
                service, sha, "main", null, state, Actor.human("deployer"), null, null, List.of(flags), null);
    }
}
