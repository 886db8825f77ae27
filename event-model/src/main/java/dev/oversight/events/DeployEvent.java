package dev.oversight.events;

import java.time.Instant;
import java.util.List;

/**
 * A deploy of a commit to an environment started, finished or was rolled back.
 *
 * @param deployId    {@code github:owner/name/deployments/123}; the same for every status of one deploy
 * @param service     the service deployed, where the source names it; otherwise policy maps the repository to it
 * @param sha         the deployed commit (40 hex), null where the source names only an artifact
 * @param artifactId  the deployed artifact, where the source names one (CDEvents purl)
 * @param flags       top-level deploy payload keys whose value is true (a break-glass flag arrives this way)
 * @param rollbackOf  the deploy this one rolls back, when Oversight (or the source) says so
 */
public record DeployEvent(
        int schema,
        Source source,
        String repository,
        String deliveryId,
        Instant occurredAt,
        String deployId,
        String environment,
        String service,
        String sha,
        String ref,
        String artifactId,
        DeployState state,
        Actor deployer,
        String description,
        String url,
        List<String> flags,
        String rollbackOf) implements Evidence {

    public DeployEvent {
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.deploy(this);
    }

    public enum DeployState {
        REQUESTED, IN_PROGRESS, SUCCEEDED, FAILED, INACTIVE, ROLLED_BACK;

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK;
        }
    }
}
