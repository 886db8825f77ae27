package dev.oversight.ingest.gitlab;

import static dev.oversight.ingest.PayloadReader.at;
import static dev.oversight.ingest.PayloadReader.bool;
import static dev.oversight.ingest.PayloadReader.firstInstant;
import static dev.oversight.ingest.PayloadReader.firstNonEmpty;
import static dev.oversight.ingest.PayloadReader.freeText;
import static dev.oversight.ingest.PayloadReader.integer;
import static dev.oversight.ingest.PayloadReader.login;
import static dev.oversight.ingest.PayloadReader.pushedCommits;
import static dev.oversight.ingest.PayloadReader.requireLong;
import static dev.oversight.ingest.PayloadReader.requireObject;
import static dev.oversight.ingest.PayloadReader.requireSha;
import static dev.oversight.ingest.PayloadReader.requireText;
import static dev.oversight.ingest.PayloadReader.sha;
import static dev.oversight.ingest.PayloadReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Actor;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.events.CiResult.CiSystem;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.DeployEvent.DeployState;
import dev.oversight.events.Evidence;
import dev.oversight.events.PushEvent;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a GitLab webhook delivery into Oversight's evidence records. Field by field, the mapping is documented in
 * this module's README.
 */
public final class GitLabNormalizer {

    /** {@code X-Gitlab-Event} of the hooks Oversight reads, and their metric tags; every other is "ignored". */
    private static final Map<String, String> EVENTS = Map.of(
            "Merge Request Hook", "merge_request",
            "Pipeline Hook", "pipeline",
            "Job Hook", "job",
            "Deployment Hook", "deployment",
            "Push Hook", "push");
    /** A System Hook (instance-wide) names its event by {@code object_kind}. */
    private static final Map<String, String> SYSTEM_HOOK_KINDS = Map.of(
            "merge_request", "merge_request",
            "pipeline", "pipeline",
            "build", "job",
            "deployment", "deployment",
            "push", "push");
    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";
    /** The accounts GitLab creates for project and group access tokens. */
    private static final Pattern BOT_USERNAME = Pattern.compile("(project|group)_\\d+_bot(_[0-9a-z]+)?");
    private static final Pattern COMMIT_URL = Pattern.compile(".*/commit/([0-9a-f]{40}|[0-9a-f]{64})/?$");

    private final String deliveryId;
    private final JsonNode body;
    private final Instant receivedAt;
    private String repository;

    private GitLabNormalizer(String deliveryId, JsonNode body, Instant receivedAt) {
        this.deliveryId = deliveryId;
        this.body = body;
        this.receivedAt = receivedAt;
    }

    /** The metric tag of an {@code X-Gitlab-Event}: a fixed set, or {@code other}. */
    public static String tag(String event) {
        return EVENTS.getOrDefault(event, "System Hook".equals(event) ? "system" : "other");
    }

    public static Normalized normalize(String event, String deliveryId, JsonNode body, Instant receivedAt) {
        if (!body.isObject()) {
            throw new MalformedPayloadException("body is not a JSON object");
        }
        String kind = "System Hook".equals(event)
                ? SYSTEM_HOOK_KINDS.get(String.valueOf(text(body, "object_kind"))) : EVENTS.get(event);
        if (kind == null) {
            return new Normalized.Ignored("GitLab event " + event
                    + ("System Hook".equals(event) ? " of kind " + text(body, "object_kind") : "")
                    + " is not used by Oversight");
        }
        return new GitLabNormalizer(deliveryId, body, receivedAt).run(kind);
    }

    private Normalized run(String kind) {
        repository = repositoryId();
        List<Evidence> evidence = new ArrayList<>();
        String ignored = switch (kind) {
            case "merge_request" -> mergeRequest(evidence);
            case "pipeline" -> pipeline(evidence);
            case "job" -> job(evidence);
            case "deployment" -> deployment(evidence);
            default -> push(evidence);
        };
        return ignored != null ? new Normalized.Ignored(ignored) : new Normalized.Accepted(repository, evidence);
    }

    /**
     * {@code gitlab:} and the project's {@code path_with_namespace}. Job hooks carry no project object: there the
     * path comes from the repository's homepage URL.
     */
    private String repositoryId() {
        String path = text(body, "project.path_with_namespace");
        if (path == null) {
            String homepage = text(body, "repository.homepage");
            if (homepage != null) {
                try {
                    String urlPath = new URI(homepage).getPath();
                    if (urlPath != null && urlPath.length() > 1) {
                        path = urlPath.substring(1).replaceAll("/+$", "");
                    }
                } catch (URISyntaxException e) {
                    throw new MalformedPayloadException("repository.homepage is not a URL");
                }
            }
        }
        if (path == null || path.isEmpty()) {
            throw new MalformedPayloadException("missing field project.path_with_namespace");
        }
        return Source.GITLAB.id() + ":" + path;
    }

    private String mergeRequest(List<Evidence> out) {
        JsonNode mr = requireObject(body, "object_attributes");
        String action = text(mr, "action");
        long iid = requireLong(mr, "iid");
        String changeId = repository + "!" + iid;
        Actor user = user(body, "user");
        // The payload names the author only by id (author_id); the hook's user is the author when the ids agree,
        // which they always do on "open". Otherwise the author is left unknown: policy-stream keeps the one an
        // earlier event named.
        Actor author = user != null && text(body, "user.id") != null
                && text(body, "user.id").equals(text(mr, "author_id")) ? user : null;
        ReviewState review = switch (action == null ? "" : action) {
            // Community Edition sends "approved" on every approval; the paid editions send "approval" until no
            // approval is left to give, then "approved". Either is one approval by the hook's user.
            case "approved", "approval" -> ReviewState.APPROVED;
            case "unapproved", "unapproval" -> ReviewState.APPROVAL_WITHDRAWN;
            default -> null;
        };
        if (review != null) {
            if (user == null) {
                throw new MalformedPayloadException("missing field user.username");
            }
            out.add(new ReviewEvent(Evidence.SCHEMA, Source.GITLAB, repository, deliveryId,
                    // The hook carries no time of the approval; the merge request's last update is the closest.
                    firstInstant(body, receivedAt, "object_attributes.updated_at"), changeId, iid,
                    changeId + "/approvals/" + user.login(), user, review,
                    sha(body, "object_attributes.last_commit.id"), author,
                    text(mr, "url"), merged(mr)));
            return null;
        }
        ChangeAction kind;
        switch (action == null ? "" : action) {
            case "open" -> kind = ChangeAction.OPENED;
            case "reopen" -> kind = ChangeAction.REOPENED;
            case "update" -> kind = sha(body, "object_attributes.oldrev") != null ? ChangeAction.UPDATED
                    : ChangeAction.EDITED;
            case "merge" -> kind = ChangeAction.MERGED;
            case "close" -> kind = ChangeAction.CLOSED;
            default -> {
                return "merge request action " + action + " is not used by Oversight";
            }
        }
        String head = requireSha(body, "object_attributes.last_commit.id");
        String mergeSha = null;
        if (kind == ChangeAction.MERGED) {
            // The commit the target branch got: the merge commit; with fast-forward merges the squashed commit, or
            // the (rebased) head itself.
            String merge = sha(body, "object_attributes.merge_commit_sha");
            String squash = sha(body, "object_attributes.squash_commit_sha");
            mergeSha = merge != null ? merge : squash != null ? squash : head;
        }
        out.add(new ChangeEvent(Evidence.SCHEMA, Source.GITLAB, repository, deliveryId,
                firstInstant(body, receivedAt, "object_attributes.updated_at", "object_attributes.created_at"), kind,
                changeId, iid, freeText(mr, "title"), text(mr, "url"), author, user, head,
                kind == ChangeAction.UPDATED ? sha(body, "object_attributes.oldrev") : null,
                text(mr, "source_branch"), text(mr, "target_branch"), mergeSha,
                kind == ChangeAction.MERGED ? user : null, labels(mr)));
        return null;
    }

    /**
     * Whether the merge request was already merged when the hook was sent, as its {@code state} says: {@code merged}
     * is; {@code opened}, {@code locked} and {@code closed} are not; null without a state Oversight knows.
     */
    private static Boolean merged(JsonNode mr) {
        String state = text(mr, "state");
        return state == null ? null : switch (state) {
            case "merged" -> Boolean.TRUE;
            case "opened", "locked", "closed" -> Boolean.FALSE;
            default -> null;
        };
    }

    private List<String> labels(JsonNode mr) {
        JsonNode nodes = at(body, "labels") != null ? at(body, "labels") : at(mr, "labels");
        List<String> labels = new ArrayList<>();
        if (nodes != null && nodes.isArray()) {
            nodes.forEach(l -> {
                if (text(l, "title") != null) {
                    labels.add(text(l, "title"));
                }
            });
        }
        return labels;
    }

    private String pipeline(List<Evidence> out) {
        JsonNode pipeline = requireObject(body, "object_attributes");
        String id = requireText(pipeline, "id");
        String name = text(pipeline, "name") != null && !text(pipeline, "name").isBlank()
                ? text(pipeline, "name") : "pipeline";
        String url = text(pipeline, "url") != null ? text(pipeline, "url")
                : text(body, "project.web_url") != null ? text(body, "project.web_url") + "/-/pipelines/" + id : null;
        out.add(ci(requireSha(pipeline, "sha"), name, CiSystem.PIPELINE, id, 1,
                requireText(pipeline, "status"), false, bool(pipeline, "tag") ? null : text(pipeline, "ref"), url,
                firstInstant(body, receivedAt, "object_attributes.finished_at", "object_attributes.created_at")));
        return null;
    }

    private String job(List<Evidence> out) {
        // Job hooks name their fields build_* (object_kind "build"); some clients send job_*.
        String prefix = at(body, "build_id") != null ? "build_" : "job_";
        String id = requireText(body, prefix + "id");
        String homepage = text(body, "repository.homepage");
        out.add(ci(requireSha(body, "sha"), requireText(body, prefix + "name"), CiSystem.JOB, id,
                integer(body, "retries_count", 0) + 1, requireText(body, prefix + "status"),
                bool(body, prefix + "allow_failure"), bool(body, "tag") ? null : text(body, "ref"),
                homepage == null ? null : homepage + "/-/jobs/" + id,
                firstInstant(body, receivedAt, prefix + "finished_at", prefix + "started_at", prefix + "created_at")));
        return null;
    }

    /**
     * GitLab's pipeline and job statuses. A job allowed to fail that failed is NEUTRAL: GitLab passes the pipeline,
     * but it is not a success.
     */
    private CiResult ci(String sha, String name, CiSystem system, String runId, int attempt, String status,
                        boolean allowFailure, String branch, String url, Instant when) {
        CiStatus ciStatus = switch (status) {
            case "running" -> CiStatus.IN_PROGRESS;
            case "success", "failed", "canceled", "cancelled", "skipped" -> CiStatus.COMPLETED;
            default -> CiStatus.QUEUED; // created, waiting_for_resource, preparing, pending, manual, scheduled
        };
        CiConclusion conclusion = ciStatus != CiStatus.COMPLETED ? null : switch (status) {
            case "success" -> CiConclusion.SUCCESS;
            case "failed" -> allowFailure ? CiConclusion.NEUTRAL : CiConclusion.FAILURE;
            case "skipped" -> CiConclusion.SKIPPED;
            default -> CiConclusion.CANCELLED;
        };
        return new CiResult(Evidence.SCHEMA, Source.GITLAB, repository, deliveryId, when, sha, name, system, runId,
                attempt, ciStatus, conclusion, branch, url);
    }

    private String deployment(List<Evidence> out) {
        String id = requireText(body, "deployment_id");
        // Deployment hooks carry no full SHA field: only short_sha, and commit_url that ends in the full one.
        String commitUrl = requireText(body, "commit_url");
        Matcher sha = COMMIT_URL.matcher(commitUrl);
        if (!sha.matches()) {
            throw new MalformedPayloadException("commit_url does not end in a full commit SHA: " + commitUrl);
        }
        String shortSha = text(body, "short_sha");
        if (shortSha != null && !sha.group(1).startsWith(shortSha)) {
            throw new MalformedPayloadException("commit_url names commit " + sha.group(1) + ", short_sha " + shortSha);
        }
        String status = requireText(body, "status");
        DeployState state = switch (status) {
            case "success" -> DeployState.SUCCEEDED;
            case "failed", "canceled" -> DeployState.FAILED;
            case "created", "blocked" -> DeployState.REQUESTED;
            default -> DeployState.IN_PROGRESS; // running
        };
        String url = text(body, "environment_external_url") != null ? text(body, "environment_external_url")
                : text(body, "deployable_url");
        out.add(new DeployEvent(Evidence.SCHEMA, Source.GITLAB, repository, deliveryId,
                firstInstant(body, receivedAt, "status_changed_at"), repository + "/deployments/" + id,
                requireText(body, "environment"), null, sha.group(1), text(body, "ref"), null, state,
                user(body, "user"), null, url, List.of(), null));
        return null;
    }

    private String push(List<Evidence> out) {
        String ref = requireText(body, "ref");
        if (!ref.startsWith("refs/heads/")) {
            return "push to " + ref + " (not a branch) is not used by Oversight";
        }
        // GitLab names a commit's author by name and e-mail only.
        List<PushEvent.PushedCommit> commits = pushedCommits(body, "commits", c -> text(c, "author.name"),
                c -> firstNonEmpty(text(c, "title"), text(c, "message")));
        String before = requireSha(body, "before");
        String after = requireSha(body, "after");
        String pusher = text(body, "user_username");
        // The hook has no time of the push. commits[].timestamp is when each commit was made, by the committer's
        // clock, and can be far older than the push: policy-stream would sweep such a push from its state at once.
        out.add(new PushEvent(Evidence.SCHEMA, Source.GITLAB, repository, deliveryId, receivedAt,
                ref.substring("refs/heads/".length()), before, after,
                // GitLab does not say whether a push rewrote history.
                false, NO_COMMIT.equals(before), NO_COMMIT.equals(after),
                pusher == null ? null : actor(login("user_username", pusher)), commits));
        return null;
    }

    /** A GitLab user object ({@code username}), or null without one; a username that is there must be one. */
    private static Actor user(JsonNode body, String path) {
        String username = text(body, path + ".username");
        return username == null ? null : actor(login(path + ".username", username));
    }

    private static Actor actor(String username) {
        return new Actor(username, BOT_USERNAME.matcher(username).matches());
    }
}
