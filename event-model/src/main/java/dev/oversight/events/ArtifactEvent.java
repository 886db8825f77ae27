package dev.oversight.events;

import java.time.Instant;

/**
 * An artifact was built from a change or commit (CDEvents {@code artifact.packaged}); ties a deploy that names
 * only its artifact to the code in it.
 *
 * @param artifactId the artifact's id, a package URL (purl) in CDEvents
 * @param sha        the commit it was built from, where known
 * @param changeId   the change it was built from, where known
 */
public record ArtifactEvent(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        String artifactId,
        String sha,
        String changeId) implements Evidence {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.artifact(this);
    }
}
