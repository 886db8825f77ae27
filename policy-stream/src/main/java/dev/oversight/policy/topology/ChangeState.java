package dev.oversight.policy.topology;

import dev.oversight.events.Actor;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.policy.rules.DeployFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What is known of one change (store {@code changes}, key: change id). Events may arrive in any order; each field
 * keeps the value of the latest event that speaks of it.
 */
final class ChangeState {

    static final int MAX_REVIEWS = 500;
    static final int MAX_FILES = 5_000;
    static final int MAX_EVIDENCE = 200;

    public String changeId;
    public String repository;
    public long number;
    public String title;
    public String url;
    public Actor author;
    public String headSha;
    public Instant headUpdatedAt;
    public String headBranch;
    public String baseBranch;
    public String mergeSha;
    public Instant mergedAt;
    public boolean closed;
    public Instant closedAt;
    public List<String> labels = new ArrayList<>();
    public Instant labelsAt;
    public List<DeployFacts.ReviewFacts> reviews = new ArrayList<>();
    public Set<String> committers = new LinkedHashSet<>();
    public Set<String> files = new LinkedHashSet<>();
    public List<String> evidence = new ArrayList<>();
    public Instant lastSeen;
    /** When Oversight last stored it (stream time): what its retention counts from. Null on entries stored before. */
    public Instant storedAt;

    static ChangeState empty(String changeId, String repository) {
        ChangeState state = new ChangeState();
        state.changeId = changeId;
        state.repository = repository;
        return state;
    }

    void apply(ChangeEvent e) {
        number = e.number();
        if (e.title() != null) {
            title = e.title();
        }
        if (e.url() != null) {
            url = e.url();
        }
        if (author == null && e.author() != null) {
            author = e.author();
        }
        if (e.headBranch() != null) {
            headBranch = e.headBranch();
        }
        if (e.baseBranch() != null) {
            baseBranch = e.baseBranch();
        }
        // The head moves forward only: an old event arriving late must not roll it back, and nothing moves it
        // after the merge.
        if (e.headSha() != null && mergedAt == null
                && (headUpdatedAt == null || !e.occurredAt().isBefore(headUpdatedAt) || e.merged())) {
            if (!e.headSha().equals(headSha)) {
                headUpdatedAt = e.occurredAt();
            }
            headSha = e.headSha();
        } else if (e.headSha() != null && e.headSha().equals(headSha) && headUpdatedAt != null
                && e.occurredAt().isBefore(headUpdatedAt)) {
            // The head arrived earlier than the event that first told of it (a merge read before the push to the
            // change): it counts from when it arrived, whatever order the events were read in.
            headUpdatedAt = e.occurredAt();
        }
        if (labelsAt == null || !e.occurredAt().isBefore(labelsAt)) {
            labels = new ArrayList<>(e.labels());
            labelsAt = e.occurredAt();
        }
        if (e.action() == ChangeAction.MERGED) {
            mergeSha = e.mergeSha();
            mergedAt = e.occurredAt();
            closed = true;
            closedAt = e.occurredAt();
        } else if (e.action() == ChangeAction.CLOSED) {
            closed = true;
            closedAt = e.occurredAt();
        } else if (e.action() == ChangeAction.REOPENED && mergedAt == null) {
            closed = false;
            closedAt = null;
        }
        if (e.action() == ChangeAction.UPDATED && e.actor() != null) {
            committers.add(e.actor().login());
        }
        remember(e.deliveryId(), e.occurredAt());
    }

    void apply(ReviewEvent e) {
        if (author == null && e.changeAuthor() != null) {
            author = e.changeAuthor();
        }
        if (number == 0) {
            number = e.number();
        }
        DeployFacts.ReviewFacts review = new DeployFacts.ReviewFacts(e.reviewId(), e.reviewer(), e.state(),
                e.commitSha(), e.occurredAt(), e.changeMerged(), e.commitUnavailable());
        if (!reviews.contains(review) && reviews.size() < MAX_REVIEWS) {
            reviews.add(review);
        }
        remember(e.deliveryId(), e.occurredAt());
    }

    /** Adds paths to a set of files, up to {@link #MAX_FILES}. */
    static void addBounded(Set<String> files, Set<String> more) {
        for (String file : more) {
            if (files.size() >= MAX_FILES) {
                break;
            }
            files.add(file);
        }
    }

    private void remember(String deliveryId, Instant at) {
        if (deliveryId != null && !evidence.contains(deliveryId) && evidence.size() < MAX_EVIDENCE) {
            evidence.add(deliveryId);
        }
        if (at != null && (lastSeen == null || at.isAfter(lastSeen))) {
            lastSeen = at;
        }
    }

    /** The change as the rules see it, with the committers and files the pushes to its branch tell. */
    DeployFacts.ChangeFacts toFacts(Set<String> allCommitters, Set<String> allFiles) {
        return new DeployFacts.ChangeFacts(changeId, title, url, author, headSha, headUpdatedAt, mergeSha, mergedAt,
                labels, reviews, allCommitters, allFiles);
    }
}
