package dev.oversight.ingest.github;

import static dev.oversight.ingest.PayloadReader.at;
import static dev.oversight.ingest.PayloadReader.bool;
import static dev.oversight.ingest.PayloadReader.firstInstant;
import static dev.oversight.ingest.PayloadReader.firstNonEmpty;
import static dev.oversight.ingest.PayloadReader.freeText;
import static dev.oversight.ingest.PayloadReader.githubUser;
import static dev.oversight.ingest.PayloadReader.instant;
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
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.PayloadFields;
import dev.oversight.ingest.PayloadReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a GitHub webhook delivery into Oversight's evidence records. Field by field, the mapping is documented in
 * this module's README.
 */
public final class GitHubNormalizer {

    /** The event types Oversight reads; every other type is answered 200 "ignored". */
    public static final Set<String> EVENTS = Set.of("pull_request", "pull_request_review", "push", "check_run",
            "check_suite", "workflow_run", "workflow_job", "status", "deployment", "deployment_status");

    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";

    /**
     * What the normalizer reads of each event type's payload, for {@link PayloadReader#parse(byte[], String,
     * PayloadFields)}; whatever this class reads must be listed here (GitHubFieldsTest normalizes every payload of the
     * test corpus both ways). Every other type reads nothing.
     */
    /** What both deployment events read of the deployment. */
    private static final String[] DEPLOYMENT = {"action", "deployment.id", "deployment.payload",
        "deployment.environment", "deployment.sha", "deployment.ref", "deployment.creator.login",
        "deployment.creator.type", "deployment.description", "deployment.created_at"};

    private static final Map<String, PayloadFields> FIELDS = Map.of(
            "pull_request", fields("action", "before", "sender.login", "sender.type",
                    "pull_request.merged", "pull_request.number", "pull_request.labels.*.name", "pull_request.title",
                    "pull_request.html_url", "pull_request.user.login", "pull_request.user.type",
                    "pull_request.head.sha", "pull_request.head.ref", "pull_request.base.ref",
                    "pull_request.merged_at", "pull_request.closed_at", "pull_request.updated_at",
                    "pull_request.created_at", "pull_request.merge_commit_sha", "pull_request.merged_by.login",
                    "pull_request.merged_by.type"),
            "pull_request_review", fields("action", "review.state", "review.submitted_at", "review.id",
                    "review.user.login", "review.user.type", "review.commit_id", "review.html_url",
                    "pull_request.number", "pull_request.updated_at", "pull_request.user.login",
                    "pull_request.user.type", "pull_request.merged", "pull_request.merged_at", "pull_request.state"),
            "push", fields("action", "ref", "before", "after", "forced", "created", "deleted", "sender.login",
                    "sender.type", "pusher.name", "repository.pushed_at", "head_commit.timestamp", "commits.*.id",
                    "commits.*.author.username", "commits.*.author.name", "commits.*.message", "commits.*.added",
                    "commits.*.modified", "commits.*.removed"),
            "check_run", fields("action", "check_run.name", "check_run.id", "check_run.check_suite.head_branch",
                    "check_run.html_url", "check_run.head_sha", "check_run.status", "check_run.conclusion",
                    "check_run.completed_at", "check_run.started_at"),
            "check_suite", fields("action", "check_suite.app.name", "check_suite.id", "check_suite.head_branch",
                    "check_suite.head_sha", "check_suite.status", "check_suite.conclusion", "check_suite.updated_at",
                    "check_suite.created_at"),
            "workflow_run", fields("action", "workflow.name", "workflow_run.name", "workflow_run.path",
                    "workflow_run.id", "workflow_run.run_attempt", "workflow_run.head_branch", "workflow_run.html_url",
                    "workflow_run.head_sha", "workflow_run.status", "workflow_run.conclusion",
                    "workflow_run.updated_at", "workflow_run.run_started_at", "workflow_run.created_at"),
            "workflow_job", fields("action", "workflow_job.name", "workflow_job.id", "workflow_job.run_attempt",
                    "workflow_job.head_branch", "workflow_job.html_url", "workflow_job.head_sha",
                    "workflow_job.status", "workflow_job.conclusion", "workflow_job.completed_at",
                    "workflow_job.started_at", "workflow_job.created_at"),
            "status", fields("action", "state", "updated_at", "created_at", "sha", "context", "id", "target_url"),
            "deployment", fields(with(DEPLOYMENT, "deployment.url")),
            "deployment_status", fields(with(DEPLOYMENT, "deployment_status.state",
                    "deployment_status.environment_url", "deployment_status.log_url", "deployment_status.target_url",
                    "deployment_status.created_at", "deployment_status.updated_at", "deployment_status.environment")));

    private final String event;
    private final String deliveryId;
    private final JsonNode body;
    private final Instant receivedAt;
    private String repository;

    private GitHubNormalizer(String event, String deliveryId, JsonNode body, Instant receivedAt) {
        this.event = event;
        this.deliveryId = deliveryId;
        this.body = body;
        this.receivedAt = receivedAt;
    }

    public static Normalized normalize(String event, String deliveryId, JsonNode body, Instant receivedAt) {
        if ("ping".equals(event)) {
            return new Normalized.Ignored("ping: webhook reached Oversight");
        }
        if (!EVENTS.contains(event)) {
            return new Normalized.Ignored("event type " + event + " is not used by Oversight");
        }
        if (!body.isObject()) {
            throw new MalformedPayloadException("body is not a JSON object");
        }
        return new GitHubNormalizer(event, deliveryId, body, receivedAt).run();
    }

    /** The fields {@link #normalize} reads of a payload of this event type. */
    public static PayloadFields fields(String event) {
        return FIELDS.getOrDefault(event, PayloadFields.NONE);
    }

    private static String[] with(String[] paths, String... more) {
        String[] all = Arrays.copyOf(paths, paths.length + more.length);
        System.arraycopy(more, 0, all, paths.length, more.length);
        return all;
    }

    private static PayloadFields fields(String... paths) {
        String[] all = Arrays.copyOf(paths, paths.length + 1);
        all[paths.length] = "repository.full_name";
        return PayloadFields.of(all);
    }

    /** The repository id of a GitHub repository: {@code github:owner/name}. */
    public static String repositoryId(String fullName) {
        return Source.GITHUB.id() + ":" + fullName;
    }

    private Normalized run() {
        repository = repositoryId(requireText(body, "repository.full_name"));
        String action = text(body, "action");
        List<Evidence> evidence = new ArrayList<>();
        String ignored = switch (event) {
            case "pull_request" -> pullRequest(action, evidence);
            case "pull_request_review" -> review(action, evidence);
            case "push" -> push(evidence);
            case "check_run" -> checkRun(action, evidence);
            case "check_suite" -> checkSuite(evidence);
            case "workflow_run" -> workflowRun(evidence);
            case "workflow_job" -> workflowJob(evidence);
            case "status" -> status(evidence);
            case "deployment" -> deployment(evidence);
            case "deployment_status" -> deploymentStatus(evidence);
            default -> "event type " + event + " is not used by Oversight";
        };
        return ignored != null ? new Normalized.Ignored(ignored) : new Normalized.Accepted(repository, evidence);
    }

    private String pullRequest(String action, List<Evidence> out) {
        JsonNode pr = requireObject(body, "pull_request");
        boolean merged = bool(pr, "merged");
        ChangeAction kind;
        switch (action == null ? "" : action) {
            case "opened" -> kind = ChangeAction.OPENED;
            case "reopened" -> kind = ChangeAction.REOPENED;
            case "synchronize" -> kind = ChangeAction.UPDATED;
            case "edited", "ready_for_review", "converted_to_draft" -> kind = ChangeAction.EDITED;
            case "labeled" -> kind = ChangeAction.LABELED;
            case "unlabeled" -> kind = ChangeAction.UNLABELED;
            case "closed" -> kind = merged ? ChangeAction.MERGED : ChangeAction.CLOSED;
            default -> {
                return "pull_request action " + action + " is not used by Oversight";
            }
        }
        long number = requireLong(pr, "number");
        List<String> labels = new ArrayList<>();
        JsonNode labelNodes = at(pr, "labels");
        if (labelNodes != null && labelNodes.isArray()) {
            labelNodes.forEach(l -> {
                if (text(l, "name") != null) {
                    labels.add(text(l, "name"));
                }
            });
        }
        Instant when = kind == ChangeAction.MERGED
                ? firstInstant(body, receivedAt, "pull_request.merged_at", "pull_request.closed_at",
                        "pull_request.updated_at")
                : firstInstant(body, receivedAt, "pull_request.updated_at", "pull_request.created_at");
        out.add(new ChangeEvent(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId, when, kind,
                changeId(number), number, freeText(pr, "title"), text(pr, "html_url"),
                requireUser(body, "pull_request.user"), githubUser(body, "sender"),
                requireSha(pr, "head.sha"), kind == ChangeAction.UPDATED ? sha(body, "before") : null,
                text(pr, "head.ref"), text(pr, "base.ref"),
                // merge_commit_sha is filled on unmerged pull requests too (GitHub's test merge): only a merged
                // pull request's is the commit it landed as.
                merged ? sha(body, "pull_request.merge_commit_sha") : null,
                merged ? githubUser(body, "pull_request.merged_by") : null,
                labels));
        return null;
    }

    private String review(String action, List<Evidence> out) {
        JsonNode review = requireObject(body, "review");
        JsonNode pr = requireObject(body, "pull_request");
        ReviewState state;
        Instant when;
        if ("dismissed".equals(action)) {
            state = ReviewState.DISMISSED;
            when = dismissedAt(review, pr);
        } else if ("submitted".equals(action)) {
            String given = requireText(review, "state").toLowerCase(Locale.ROOT);
            state = switch (given) {
                case "approved" -> ReviewState.APPROVED;
                case "changes_requested" -> ReviewState.CHANGES_REQUESTED;
                case "commented" -> ReviewState.COMMENTED;
                case "dismissed" -> ReviewState.DISMISSED;
                default -> throw new MalformedPayloadException("unknown review.state " + given);
            };
            when = firstInstant(body, receivedAt, "review.submitted_at");
        } else {
            return "pull_request_review action " + action + " is not used by Oversight";
        }
        long number = requireLong(pr, "number");
        out.add(new ReviewEvent(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId, when,
                changeId(number), number, requireText(review, "id"), requireUser(body, "review.user"), state,
                sha(body, "review.commit_id"), githubUser(body, "pull_request.user"), text(review, "html_url"),
                merged(pr)));
        return null;
    }

    /**
     * When a review was dismissed. The payload has no field for it, but GitHub updates the pull request when it
     * dismisses a review, so the pull request's {@code updated_at} is the dismissal's time; a dismissal cannot
     * precede the review it dismisses, so never earlier than that review's {@code submitted_at}. The time of receipt
     * only when the payload has neither: a redelivery or a replay must not move a dismissal after the merge.
     */
    private Instant dismissedAt(JsonNode review, JsonNode pr) {
        Instant updated = instant(body, "pull_request.updated_at");
        Instant submitted = instant(body, "review.submitted_at");
        if (updated == null || submitted == null) {
            return updated != null ? updated : submitted != null ? submitted : receivedAt;
        }
        return updated.isBefore(submitted) ? submitted : updated;
    }

    /**
     * Whether the pull request was already merged when the event happened, as the payload's copy of it says:
     * {@code merged: true} or a {@code merged_at} is merged; {@code merged: false}, a {@code merged_at} of null or
     * state {@code open} is not; null when the payload says none of these.
     */
    private static Boolean merged(JsonNode pr) {
        if (bool(pr, "merged") || text(pr, "merged_at") != null && !text(pr, "merged_at").isBlank()) {
            return true;
        }
        JsonNode merged = pr.get("merged");
        boolean saysNotMerged = merged != null && merged.isBoolean()
                || pr.has("merged_at") && pr.get("merged_at").isNull()
                || "open".equals(text(pr, "state"));
        return saysNotMerged ? Boolean.FALSE : null;
    }

    private String push(List<Evidence> out) {
        String ref = requireText(body, "ref");
        if (!ref.startsWith("refs/heads/")) {
            return "push to " + ref + " (not a branch) is not used by Oversight";
        }
        List<PushEvent.PushedCommit> commits = pushedCommits(body, "commits",
                c -> firstNonEmpty(text(c, "author.username"), text(c, "author.name")), c -> text(c, "message"));
        // pusher carries only name and email; the sender is the account that pushed.
        Actor pusher = githubUser(body, "sender");
        if (pusher == null && text(body, "pusher.name") != null) {
            pusher = Actor.of(login("pusher.name", text(body, "pusher.name")), null);
        }
        String after = requireSha(body, "after");
        out.add(new PushEvent(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId,
                firstInstant(body, receivedAt, "repository.pushed_at", "head_commit.timestamp"),
                ref.substring("refs/heads/".length()), requireSha(body, "before"), after,
                bool(body, "forced"), bool(body, "created"), bool(body, "deleted") || NO_COMMIT.equals(after),
                pusher, commits));
        return null;
    }

    private String checkRun(String action, List<Evidence> out) {
        if ("rerequested".equals(action) || "requested_action".equals(action)) {
            return "check_run action " + action + " is not used by Oversight (the re-run reports on its own)";
        }
        JsonNode run = requireObject(body, "check_run");
        out.add(ci(run, requireText(run, "name"), CiSystem.CHECK_RUN, requireText(run, "id"), 1,
                text(run, "check_suite.head_branch"), text(run, "html_url"), "completed_at", "started_at"));
        return null;
    }

    private String checkSuite(List<Evidence> out) {
        JsonNode suite = requireObject(body, "check_suite");
        String name = text(suite, "app.name") != null ? text(suite, "app.name") : "check suite";
        out.add(ci(suite, name, CiSystem.CHECK_SUITE, requireText(suite, "id"), 1, text(suite, "head_branch"), null,
                "updated_at", "created_at"));
        return null;
    }

    private String workflowRun(List<Evidence> out) {
        JsonNode run = requireObject(body, "workflow_run");
        // Some runs arrive with an empty name; the workflow's name (or its file) is what policy can refer to.
        String name = firstNonEmpty(text(run, "name"), text(body, "workflow.name"), text(run, "path"));
        if (name == null) {
            throw new MalformedPayloadException("missing field workflow_run.name");
        }
        out.add(ci(run, name, CiSystem.WORKFLOW_RUN, requireText(run, "id"),
                integer(run, "run_attempt", 1), text(run, "head_branch"), text(run, "html_url"), "updated_at",
                "run_started_at", "created_at"));
        return null;
    }

    private String workflowJob(List<Evidence> out) {
        JsonNode job = requireObject(body, "workflow_job");
        out.add(ci(job, requireText(job, "name"), CiSystem.WORKFLOW_JOB, requireText(job, "id"),
                integer(job, "run_attempt", 1), text(job, "head_branch"), text(job, "html_url"), "completed_at",
                "started_at", "created_at"));
        return null;
    }

    /** A result of the event's object ({@code check_run}, …): its {@code head_sha}, status and time fields. */
    private CiResult ci(JsonNode node, String name, CiSystem system, String runId, int attempt, String branch,
                        String url, String... timeFields) {
        String sha = requireSha(body, event + ".head_sha");
        String[] paths = new String[timeFields.length];
        for (int i = 0; i < timeFields.length; i++) {
            paths[i] = event + "." + timeFields[i];
        }
        String status = text(node, "status");
        CiStatus ciStatus = status == null ? CiStatus.COMPLETED : switch (status) {
            case "completed" -> CiStatus.COMPLETED;
            case "in_progress" -> CiStatus.IN_PROGRESS;
            default -> CiStatus.QUEUED; // queued, requested, waiting, pending
        };
        CiConclusion conclusion = ciStatus == CiStatus.COMPLETED ? conclusion(text(node, "conclusion")) : null;
        return new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId,
                firstInstant(body, receivedAt, paths), sha, name, system, runId, attempt, ciStatus, conclusion,
                branch, url);
    }

    private static CiConclusion conclusion(String value) {
        if (value == null) {
            return CiConclusion.ERROR;
        }
        return switch (value) {
            case "success" -> CiConclusion.SUCCESS;
            case "failure" -> CiConclusion.FAILURE;
            case "cancelled" -> CiConclusion.CANCELLED;
            case "timed_out" -> CiConclusion.TIMED_OUT;
            case "action_required" -> CiConclusion.ACTION_REQUIRED;
            case "neutral" -> CiConclusion.NEUTRAL;
            case "skipped" -> CiConclusion.SKIPPED;
            case "stale" -> CiConclusion.STALE;
            default -> CiConclusion.ERROR;
        };
    }

    private String status(List<Evidence> out) {
        String state = requireText(body, "state");
        CiStatus status = "pending".equals(state) ? CiStatus.IN_PROGRESS : CiStatus.COMPLETED;
        CiConclusion conclusion = switch (state) {
            case "pending" -> null;
            case "success" -> CiConclusion.SUCCESS;
            case "failure" -> CiConclusion.FAILURE;
            default -> CiConclusion.ERROR;
        };
        out.add(new CiResult(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId,
                firstInstant(body, receivedAt, "updated_at", "created_at"), requireSha(body, "sha"),
                requireText(body, "context"), CiSystem.STATUS, requireText(body, "id"), 1, status, conclusion,
                null, text(body, "target_url")));
        return null;
    }

    private String deployment(List<Evidence> out) {
        JsonNode deployment = requireObject(body, "deployment");
        out.add(deploy(deployment, DeployState.REQUESTED,
                firstInstant(body, receivedAt, "deployment.created_at"), text(deployment, "url")));
        return null;
    }

    private String deploymentStatus(List<Evidence> out) {
        JsonNode deployment = requireObject(body, "deployment");
        JsonNode status = requireObject(body, "deployment_status");
        String state = requireText(status, "state");
        DeployState deployState = switch (state) {
            case "success" -> DeployState.SUCCEEDED;
            case "failure", "error" -> DeployState.FAILED;
            case "inactive" -> DeployState.INACTIVE;
            default -> DeployState.IN_PROGRESS; // queued, pending, in_progress, waiting
        };
        String url = text(status, "environment_url") != null ? text(status, "environment_url")
                : text(status, "log_url") != null ? text(status, "log_url") : text(status, "target_url");
        out.add(deploy(deployment, deployState,
                firstInstant(body, receivedAt, "deployment_status.created_at", "deployment_status.updated_at"), url));
        return null;
    }

    private DeployEvent deploy(JsonNode deployment, DeployState state, Instant when, String url) {
        String id = requireText(deployment, "id");
        JsonNode payload = payload(deployment);
        List<String> flags = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = payload.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode v = field.getValue();
            if (v.isBoolean() && v.asBoolean() || v.isTextual() && "true".equalsIgnoreCase(v.asText())) {
                flags.add(field.getKey());
            }
        }
        String environment = text(body, "deployment_status.environment") != null
                ? text(body, "deployment_status.environment") : requireText(deployment, "environment");
        return new DeployEvent(Evidence.SCHEMA, Source.GITHUB, repository, deliveryId, when,
                repository + "/deployments/" + id, environment, text(payload, "service"),
                requireSha(body, "deployment.sha"), text(deployment, "ref"), null, state,
                githubUser(body, "deployment.creator"), freeText(deployment, "description"), url, flags,
                text(payload, "rollback_of"));
    }

    /**
     * A deployment's payload: an object, or a string holding one (both occur). A string that is not JSON is no
     * payload; one that is JSON is held to the body's rules (a key given twice is refused: which value would the
     * flags be read from?).
     */
    private static JsonNode payload(JsonNode deployment) {
        JsonNode payload = at(deployment, "payload");
        if (payload != null && payload.isTextual() && !payload.asText().isBlank()) {
            byte[] json = payload.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try {
                Json.mapper().readTree(json);
            } catch (java.io.IOException | RuntimeException notJson) {
                return Json.mapper().createObjectNode();
            }
            payload = PayloadReader.parse(json, "deployment.payload");
        }
        return payload != null && payload.isObject() ? payload : Json.mapper().createObjectNode();
    }

    private String changeId(long number) {
        return repository + "#" + number;
    }

    private static Actor requireUser(JsonNode body, String path) {
        Actor actor = githubUser(body, path);
        if (actor == null) {
            throw new MalformedPayloadException("missing field " + path + ".login");
        }
        return actor;
    }
}
