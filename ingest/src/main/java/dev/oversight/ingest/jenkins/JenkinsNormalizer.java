package dev.oversight.ingest.jenkins;

import static dev.oversight.ingest.PayloadReader.at;
import static dev.oversight.ingest.PayloadReader.epochMillis;
import static dev.oversight.ingest.PayloadReader.instant;
import static dev.oversight.ingest.PayloadReader.requireLong;
import static dev.oversight.ingest.PayloadReader.requireObject;
import static dev.oversight.ingest.PayloadReader.requireText;
import static dev.oversight.ingest.PayloadReader.sha;
import static dev.oversight.ingest.PayloadReader.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oversight.events.CiResult;
import dev.oversight.events.CiResult.CiConclusion;
import dev.oversight.events.CiResult.CiStatus;
import dev.oversight.events.Evidence;
import dev.oversight.events.Source;
import dev.oversight.ingest.MalformedPayloadException;
import dev.oversight.ingest.Normalized;
import dev.oversight.ingest.RepositoryIds;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Turns a Jenkins Notification plugin delivery ({@code name}, {@code build.phase}, {@code build.status},
 * {@code build.scm}) into a {@link CiResult} of system BUILD. Field by field, the mapping is in the module README.
 */
public final class JenkinsNormalizer {

    /** The one event type the plugin sends: a build's phase changed. */
    public static final String EVENT = "build";

    private JenkinsNormalizer() {}

    /**
     * The plugin sends no delivery id; a build's phase is reported once, so the build's URL and the phase name it:
     * {@code http://jenkins/job/app/18/#COMPLETED}.
     */
    public static String deliveryId(JsonNode body) {
        JsonNode build = requireObject(body, "build");
        String url = text(build, "full_url") != null ? text(build, "full_url")
                : requireText(body, "name") + "/" + requireLong(build, "number") + "/";
        return url + "#" + requireText(build, "phase").toUpperCase(Locale.ROOT);
    }

    public static Normalized normalize(String deliveryId, JsonNode body, Instant receivedAt) {
        if (!body.isObject()) {
            throw new MalformedPayloadException("body is not a JSON object");
        }
        String job = requireText(body, "name");
        JsonNode build = requireObject(body, "build");
        long number = requireLong(build, "number");
        String phase = requireText(build, "phase").toUpperCase(Locale.ROOT);
        String scmUrl = text(build, "scm.url");
        String commit = sha(body, "build.scm.commit");
        if (scmUrl == null || commit == null) {
            // Queued builds, and jobs without a Git checkout, name no commit: nothing to tie them to.
            return new Normalized.Ignored("build " + job + " #" + number + " (" + phase
                    + ") names no commit (build.scm.url and build.scm.commit)");
        }
        CiStatus status = switch (phase) {
            case "QUEUED" -> CiStatus.QUEUED;
            case "STARTED" -> CiStatus.IN_PROGRESS;
            case "COMPLETED", "FINALIZED" -> CiStatus.COMPLETED;
            default -> throw new MalformedPayloadException("unknown build.phase " + phase);
        };
        CiConclusion conclusion = status == CiStatus.COMPLETED ? conclusion(text(build, "status")) : null;
        String branch = text(build, "scm.branch");
        if (branch != null && branch.startsWith("origin/")) {
            branch = branch.substring("origin/".length());
        }
        String repository = RepositoryIds.fromUrl(scmUrl);
        return new Normalized.Accepted(repository, List.of(new CiResult(Evidence.SCHEMA, Source.JENKINS, repository,
                deliveryId, phaseTime(body, receivedAt), commit, job, CiResult.CiSystem.BUILD, job + "#" + number, 1,
                status, conclusion, branch, text(build, "full_url"))));
    }

    /**
     * When the build reached its phase: {@code build.timestamp}, which the plugin fills in epoch milliseconds
     * (queued: when it entered the queue; started: its start; completed: start plus duration; finalized: then). The
     * time of receipt where it is missing (older plugin versions, the README example) or 0 (a queued build the plugin
     * has no queue time for). A time outside the years 1970 to 9999 is refused.
     */
    private static Instant phaseTime(JsonNode body, Instant receivedAt) {
        JsonNode timestamp = at(body, "build.timestamp");
        if (timestamp != null && timestamp.isIntegralNumber() && !timestamp.canConvertToLong()) {
            throw new MalformedPayloadException("field build.timestamp is " + timestamp.asText()
                    + ", a time outside the years 1970 to 9999");
        }
        if (timestamp != null && (timestamp.isIntegralNumber() || timestamp.asText().matches("-?\\d{1,18}"))) {
            long millis = timestamp.asLong();
            return millis == 0 ? receivedAt : epochMillis("build.timestamp", millis);
        }
        Instant iso = instant(body, "build.timestamp");
        return iso != null ? iso : receivedAt;
    }

    /** Jenkins results: UNSTABLE (tests failed) is a failure; NOT_BUILT is skipped. */
    private static CiConclusion conclusion(String result) {
        if (result == null) {
            return CiConclusion.ERROR;
        }
        return switch (result.toUpperCase(Locale.ROOT)) {
            case "SUCCESS" -> CiConclusion.SUCCESS;
            case "FAILURE", "UNSTABLE" -> CiConclusion.FAILURE;
            case "ABORTED" -> CiConclusion.CANCELLED;
            case "NOT_BUILT" -> CiConclusion.SKIPPED;
            default -> CiConclusion.ERROR;
        };
    }
}
