package dev.oversight.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A normalized fact about the path from a change to production, as ingest writes it to
 * {@code oversight.reviews}, {@code oversight.ci} and {@code oversight.deploys}, keyed by repository id.
 * The JSON carries the case in its {@code kind} field.
 *
 * <p>Java 17 has no pattern {@code switch}; {@link #accept(Visitor)} gives the same compiler check: a new
 * case is a new visitor method that every handler must implement.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ChangeEvent.class, name = "change"),
    @JsonSubTypes.Type(value = ReviewEvent.class, name = "review"),
    @JsonSubTypes.Type(value = PushEvent.class, name = "push"),
    @JsonSubTypes.Type(value = CiResult.class, name = "ci"),
    @JsonSubTypes.Type(value = ArtifactEvent.class, name = "artifact"),
    @JsonSubTypes.Type(value = DeployEvent.class, name = "deploy")
})
public sealed interface Evidence permits ChangeEvent, ReviewEvent, PushEvent, CiResult, ArtifactEvent, DeployEvent {

    /** Version of the record layout; readers ignore fields they do not know. */
    int SCHEMA = 1;

    int schema();

    Source source();

    /** {@code github:owner/name}, {@code gitlab:group/sub/project}, or a CDEvents repository id. */
    String repository();

    /** The delivery on {@code oversight.raw} this fact was taken from. */
    String deliveryId();

    /** When it happened, as the source says; the time of receipt where the source does not say. */
    Instant occurredAt();

    <R> R accept(Visitor<R> visitor);

    /** The case's name, as in the JSON {@code kind} field and the CloudEvents type. */
    default String kind() {
        return accept(KIND);
    }

    /** One method per case. */
    interface Visitor<R> {
        R change(ChangeEvent e);

        R review(ReviewEvent e);

        R push(PushEvent e);

        R ci(CiResult e);

        R artifact(ArtifactEvent e);

        R deploy(DeployEvent e);
    }

    Visitor<String> KIND = new Visitor<>() {
        public String change(ChangeEvent e) { return "change"; }

        public String review(ReviewEvent e) { return "review"; }

        public String push(PushEvent e) { return "push"; }

        public String ci(CiResult e) { return "ci"; }

        public String artifact(ArtifactEvent e) { return "artifact"; }

        public String deploy(DeployEvent e) { return "deploy"; }
    };
}
