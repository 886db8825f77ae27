package dev.oversight.ingest.cloudevents;

import static dev.oversight.ingest.PayloadReader.at;
import static dev.oversight.ingest.PayloadReader.firstInstant;
import static dev.oversight.ingest.PayloadReader.firstNonEmpty;
import static dev.oversight.ingest.PayloadReader.freeText;
import static dev.oversight.ingest.PayloadReader.login;
import static dev.oversight.ingest.PayloadReader.requireObject;
import static dev.oversight.ingest.PayloadReader.requireText;
import static dev.oversight.ingest.PayloadReader.sha;
import static dev.oversight.ingest.PayloadReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.Actor;
import dev.oversight.events.ArtifactEvent;
import dev.oversight.events.ChangeAction;
import dev.oversight.events.ChangeEvent;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.events.CiResult.CiSystem;
import dev.oversight.events.DeployEvent;
import dev.oversight.events.DeployEvent.DeployState;
import dev.oversight.events.Evidence;
import dev.oversight.events.ReviewEvent;
import dev.oversight.events.ReviewState;
import dev.oversight.events.Source;
import dev.oversight.events.json.Json;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.RepositoryIds;
import dev.oversight.ingest.http.Rejection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a CDEvent (0.4 to 0.6, carried by a CloudEvent) into Oversight's evidence. CDEvents name no commit, reviewer
 * or review outcome for most events; a producer may add them in {@code customData} (keys {@code repository},
 * {@code sha}, {@code author}, {@code reviewer}, {@code state}, {@code merged}). Field by field, the mapping is in the
 * module README.
 */
public final class CdEventsNormalizer {

    /** The CDEvents types Oversight reads, as {@code subject.predicate}; every other CDEvent is "ignored". */
    public static final Set<String> EVENTS = Set.of(
            "change.created", "change.updated", "change.reviewed", "change.merged", "change.abandoned",
            "pipelinerun.queued", "pipelinerun.started", "pipelinerun.finished",
            "testsuiterun.queued", "testsuiterun.started", "testsuiterun.finished",
            "testcaserun.queued", "testcaserun.started", "testcaserun.finished", "testcaserun.skipped",
            "artifact.packaged",
            "service.deployed", "service.upgraded", "service.rolledback");

    private static final Pattern TYPE =
            Pattern.compile("dev\\.cdevents\\.([a-z]+)\\.([a-z]+)\\.(\\d+\\.\\d+\\.\\d+.*)");
    private static final Pattern SUPPORTED_SPEC = Pattern.compile("0\\.[456]\\.\\d+(-.*)?");

    private final CloudEvent event;
    private final JsonNode context;
    private final JsonNode subject;
    private final JsonNode content;
    private final JsonNode customData;
    private final Instant occurredAt;
    /** {@code customData.sha}: the commit, where the producer names it. */
    private final String sha;
    private String repository;

    private CdEventsNormalizer(CloudEvent event, JsonNode context, JsonNode subject, Instant receivedAt) {
        this.event = event;
        this.context = context;
        this.subject = subject;
        JsonNode c = at(subject, "content");
        this.content = c != null && c.isObject() ? c : Json.mapper().createObjectNode();
        JsonNode custom = at(event.data(), "customData");
        this.customData = custom != null && custom.isObject() ? custom : Json.mapper().createObjectNode();
        this.occurredAt = firstInstant(event.data(), receivedAt, "context.timestamp");
        this.sha = sha(event.data(), "customData.sha");
    }

    /** The metric tag of a CloudEvents type: {@code change.merged} and the like, or {@code other}. */
    public static String tag(String type) {
        String name = name(type);
        return name != null && EVENTS.contains(name) ? name : "other";
    }

    /** {@code subject.predicate} of a CDEvents type, or null when it is not one. */
    static String name(String type) {
        Matcher m = type == null ? null : TYPE.matcher(type);
        return m != null && m.matches() ? m.group(1) + "." + m.group(2) : null;
    }

    public static Normalized normalize(CloudEvent event, Instant receivedAt) {
        if (!event.type().startsWith("dev.cdevents.")) {
            return new Normalized.Ignored("CloudEvents type " + event.type() + " is not a CDEvent");
        }
        JsonNode data = event.data();
        if (!data.isObject()) {
            throw new MalformedPayloadException("the CDEvent is not a JSON object");
        }
        JsonNode context = requireObject(data, "context");
        String version = text(context, "specversion") != null ? text(context, "specversion") : text(context, "version");
        if (version == null) {
            throw new MalformedPayloadException("missing field context.specversion (context.version up to 0.4)");
        }
        if (!SUPPORTED_SPEC.matcher(version).matches()) {
            throw new MalformedPayloadException("CDEvents " + version + " is not supported (0.4 to 0.6 are)");
        }
        String contextId = requireText(context, "id");
        if (!contextId.equals(event.id())) {
            throw new Rejection(400, "id_mismatch", "the CloudEvents id '" + event.id()
                    + "' differs from the CDEvents context.id '" + contextId + "'");
        }
        String contextType = requireText(context, "type");
        if (!contextType.equals(event.type())) {
            throw new Rejection(400, "id_mismatch", "the CloudEvents type '" + event.type()
                    + "' differs from the CDEvents context.type '" + contextType + "'");
        }
        String name = name(contextType);
        if (name == null || !EVENTS.contains(name)) {
            return new Normalized.Ignored("CDEvents type " + contextType + " is not used by Oversight");
        }
        return new CdEventsNormalizer(event, context, requireObject(data, "subject"), receivedAt).run(name);
    }

    private Normalized run(String name) {
        repository = repositoryId();
        Evidence evidence = switch (name.substring(0, name.indexOf('.'))) {
            case "change" -> change(name);
            case "pipelinerun" -> ci(name, CiSystem.PIPELINE, firstNonEmpty(text(content, "pipelineName")));
            case "testsuiterun" -> ci(name, CiSystem.TEST_SUITE,
                    firstNonEmpty(text(content, "testSuite.name"), text(content, "testSuite.id")));
            case "testcaserun" -> ci(name, CiSystem.TEST_CASE,
                    firstNonEmpty(text(content, "testCase.name"), text(content, "testCase.id")));
            case "artifact" -> artifact();
            default -> deploy(name);
        };
        return new Normalized.Accepted(repository, List.of(evidence));
    }

    /**
     * {@code customData.repository}; else the change's {@code repository} ({@code source}/{@code id}); else the
     * producer: {@code cdevents:<context.source>}. URLs of GitHub and GitLab become their ids ({@link RepositoryIds}).
     */
    private String repositoryId() {
        String explicit = text(customData, "repository");
        if (explicit != null && !explicit.isBlank()) {
            return RepositoryIds.fromUrl(explicit);
        }
        String id = text(content, "repository.id");
        if (id != null && !id.isBlank()) {
            String source = text(content, "repository.source");
            return RepositoryIds.fromUrl(source == null || source.isBlank() || id.contains("://") ? id
                    : source.replaceAll("/+$", "") + "/" + id.replaceAll("^/+", ""));
        }
        return Source.CDEVENTS.id() + ":" + requireText(context, "source");
    }

    private Evidence change(String name) {
        String subjectId = requireText(subject, "id");
        String changeId = repository + "#" + subjectId;
        long number = subjectId.matches("\\d{1,18}") ? Long.parseLong(subjectId) : 0;
        Actor author = actor("customData.author");
        if (name.equals("change.reviewed")) {
            Actor reviewer = actor("customData.reviewer");
            String state = text(customData, "state");
            ReviewState reviewState = state == null ? ReviewState.COMMENTED : switch (state.toLowerCase(Locale.ROOT)) {
                case "approved" -> ReviewState.APPROVED;
                case "changes_requested" -> ReviewState.CHANGES_REQUESTED;
                case "commented" -> ReviewState.COMMENTED;
                default -> throw new MalformedPayloadException("customData.state must be approved, changes_requested "
                        + "or commented, got '" + state + "'");
            };
            if (reviewState == ReviewState.APPROVED && reviewer == null) {
                throw new MalformedPayloadException(
                        "an approval (customData.state approved) needs customData.reviewer");
            }
            return new ReviewEvent(Evidence.SCHEMA, Source.CDEVENTS, repository, event.id(), occurredAt, changeId,
                    number, event.id(), reviewer, reviewState, sha, author, text(content, "url"), merged());
        }
        ChangeAction action = switch (name) {
            case "change.created" -> ChangeAction.OPENED;
            case "change.updated" -> ChangeAction.UPDATED;
            case "change.merged" -> ChangeAction.MERGED;
            default -> ChangeAction.CLOSED; // change.abandoned
        };
        boolean merged = action == ChangeAction.MERGED;
        return new ChangeEvent(Evidence.SCHEMA, Source.CDEVENTS, repository, event.id(), occurredAt, action, changeId,
                number, freeText(content, "description"), text(content, "url"), author,
                action == ChangeAction.OPENED ? author : null, merged ? null : sha, null, null, null,
                merged ? sha : null, null, List.of());
    }

    /**
     * Whether the change was already merged when it was reviewed: {@code customData.merged}, true or false, where the
     * producer says; CDEvents itself never does, so null without it.
     */
    private Boolean merged() {
        JsonNode merged = at(customData, "merged");
        if (merged == null) {
            return null;
        }
        String value = merged.isValueNode() ? merged.asText().toLowerCase(Locale.ROOT) : "";
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new MalformedPayloadException("customData.merged must be true or false, got "
                    + merged);
        };
    }

    private CiResult ci(String name, CiSystem system, String testOrPipelineName) {
        String predicate = name.substring(name.indexOf('.') + 1);
        CiStatus status = switch (predicate) {
            case "queued" -> CiStatus.QUEUED;
            case "started" -> CiStatus.IN_PROGRESS;
            default -> CiStatus.COMPLETED; // finished, skipped
        };
        CiConclusion conclusion = predicate.equals("skipped") ? CiConclusion.SKIPPED
                : status == CiStatus.COMPLETED ? outcome(text(content, "outcome")) : null;
        String runId = requireText(subject, "id");
        return new CiResult(Evidence.SCHEMA, Source.CDEVENTS, repository, event.id(), occurredAt,
                sha, testOrPipelineName != null ? testOrPipelineName : runId, system, runId, 1,
                status, conclusion, null, firstNonEmpty(text(content, "uri"), text(content, "url")));
    }

    /** Outcomes: {@code pass}/{@code fail} in 0.4, {@code success}/{@code failure} from 0.5; error, cancel. */
    private static CiConclusion outcome(String outcome) {
        if (outcome == null) {
            throw new MalformedPayloadException("missing field subject.content.outcome");
        }
        return switch (outcome.toLowerCase(Locale.ROOT)) {
            case "success", "pass" -> CiConclusion.SUCCESS;
            case "failure", "fail" -> CiConclusion.FAILURE;
            case "cancel", "canceled", "cancelled" -> CiConclusion.CANCELLED;
            case "skip", "skipped" -> CiConclusion.SKIPPED;
            default -> CiConclusion.ERROR; // error
        };
    }

    /**
     * An artifact and what it was built from: the change ({@code content.change.id}) and the commit
     * ({@code customData.sha}).
     */
    private ArtifactEvent artifact() {
        String change = text(content, "change.id");
        return new ArtifactEvent(Evidence.SCHEMA, Source.CDEVENTS, repository, event.id(), occurredAt,
                requireText(subject, "id"), sha, change == null ? null : repository + "#" + change);
    }

    /** A service deployed, upgraded or rolled back: the artifact it runs now, its commit where the producer says. */
    private DeployEvent deploy(String name) {
        DeployState state = name.equals("service.rolledback") ? DeployState.ROLLED_BACK : DeployState.SUCCEEDED;
        return new DeployEvent(Evidence.SCHEMA, Source.CDEVENTS, repository, event.id(), occurredAt,
                repository + "/deployments/" + event.id(), requireText(content, "environment.id"),
                requireText(subject, "id"), sha, null, text(content, "artifactId"), state, null,
                null, text(customData, "url"), List.of(), null);
    }

    /** The account a {@code customData} field names, or null without one; one that is there must be a login. */
    private Actor actor(String path) {
        String login = text(event.data(), path);
        return login == null ? null : Actor.of(login(path, login), null);
    }
}
